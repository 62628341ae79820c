// `parley init <dir> [--template blank|faq|banking] [--name <name>]`: a new project from a template, ready for
// `parley validate` and `parley test`.
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { TEMPLATE_IDS, writeTemplate, type TemplateId } from '../services/projectTemplates';

export interface InitOptions {
  template?: string;
  name?: string;
}

/** Creates the project; returns what to print. Throws a message for the user when it cannot. */
export async function runInit(dir: string, o: InitOptions = {}): Promise<string> {
  const template = (o.template ?? 'blank') as TemplateId;
  if (!TEMPLATE_IDS.includes(template)) throw new Error(`--template must be one of ${TEMPLATE_IDS.join(', ')} (not "${o.template}")`);
  const name = (o.name ?? path.basename(path.resolve(dir))).trim().slice(0, 200) || 'New assistant';
  try {
    const { dir: abs, written } = await writeTemplate(dir, template, name);
    const rel = path.relative(process.cwd(), abs) || '.';
    return [
      `Created "${name}" from the ${template} template in ${abs}:`,
      ...written.map((f) => `  ${f}`),
      '',
      'Next:',
      `  parley validate ${rel}`,
      `  parley test ${rel}`,
      `  parley web ${rel}      # edit and simulate it in the studio`,
    ].join('\n');
  } catch (e) {
    if (e instanceof ApiError) throw new Error(e.message, { cause: e });
    throw e;
  }
}
