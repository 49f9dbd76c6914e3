export { serveMachine, type BridgeAddress, type BridgeEvent, type MachineBridge } from './socket-server.js';
