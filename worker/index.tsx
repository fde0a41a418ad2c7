// The dashboard Worker's main module: the app (app.tsx), and the snapshot producer's Durable
// Object class, which the runtime needs exported from here.
import app from './app';

export { SnapshotProducer } from './producer';
export default app;
