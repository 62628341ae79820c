// A locale as a writer reads it, for messages and menus: `Spanish (es)`. Its own module, so that the studio's
// first screen (the canvas's locale menu) does not load the validator to name a language.

const names = new Map<string, string>();

/** `Spanish (es)` for `es`; the tag alone when Intl does not know it. */
export function localeName(locale: string): string {
  let name = names.get(locale);
  if (name === undefined) {
    try {
      name = new Intl.DisplayNames(['en'], { type: 'language' }).of(locale) ?? locale;
    } catch {
      name = locale;
    }
    names.set(locale, name);
  }
  return name === locale ? locale : `${name} (${locale})`;
}
