// `parley import dialogflow-cx <exportedAgentDir|zip> --out <dir> [--force] [--name <name>]`: exit 0 when
// imported, 2 on bad input (nothing written).
import { DialogflowImportError, importDialogflow } from '../import/dialogflow';
import { runImportCli, type ImportCliOptions, type ImportIo } from './importBot';

export type ImportDialogflowCliOptions = ImportCliOptions;

export function runImportDialogflowCli(src: string, o: ImportDialogflowCliOptions, io: ImportIo): Promise<number> {
  return runImportCli(
    'import dialogflow-cx',
    o,
    io,
    (options) => importDialogflow(src, o.out, options),
    (e) => e instanceof DialogflowImportError,
  );
}
