/** A model folder that cannot be used, with the file at fault named in the message. */
export class ModelLoadError extends Error {
  constructor(
    message: string,
    /** The file (or folder) the problem is in. */
    readonly file: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}
