// Node 20 has no global WebSocket: the database driver is handed `ws` (workerd has its own).
// Imported for its effect by everything under local/ that connects.
import WebSocket from 'ws';
import { setWebSocketConstructor } from '../db/client';

setWebSocketConstructor(WebSocket);
