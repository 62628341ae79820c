// Whether the export dialog is open. Main does the work (bundle.preview, bundle.export); the dialog keeps what
// the user types and the last preview in its own state.
import { create } from 'zustand';

export const useExport = create<{ open: boolean }>(() => ({ open: false }));
export const openExportDialog = () => useExport.setState({ open: true });
export const closeExportDialog = () => useExport.setState({ open: false });
