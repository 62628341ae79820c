// `parley import rasa <rasaProjectDir> --out <dir> [--force]`: exit 0 when imported, 2 on bad input (nothing written).
import { importRasa, RasaImportError } from '../import/rasa';
import { runImportCli, type ImportCliOptions, type ImportIo } from './importBot';

export type ImportRasaCliOptions = ImportCliOptions;

export function runImportRasaCli(src: string, o: ImportRasaCliOptions, io: ImportIo): Promise<number> {
  return runImportCli(
    'import rasa',
    o,
    io,
    (options) => importRasa(src, o.out, options),
    (e) => e instanceof RasaImportError,
  );
}
