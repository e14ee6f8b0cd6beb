// A file the import renders: its path under the project root (forward slashes) and its whole text.

export interface RenderedFile {
  readonly path: string;
  readonly contents: string;
}
