// Loaded into the service by bench/soak.ts only (node --expose-gc --import): SIGUSR2 runs a full garbage
// collection, so the soak reads the heap that is really retained, not the garbage of the moment.
process.on('SIGUSR2', () => globalThis.gc?.());
