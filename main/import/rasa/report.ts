// The IMPORT.md report (shared by the importers: ../common/report).
export { Report } from '../common/report';
