export declare const ENGINE_EXTERNALS: string[];
/** Bundles out/electron/{main,preload,engine}.cjs; resolves with the milliseconds it took. */
export declare function buildElectron(options?: { outDir?: string }): Promise<number>;
