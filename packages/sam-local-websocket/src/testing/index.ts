/**
 * sam-local-websocket/testing: what a project's tests need around the twin: a gateway on free
 * ports with its records kept, and changed copies of a template.
 */
export { connectionIdOf, type LocalGateway, startLocalGateway } from './local-gateway.js';
export { absoluteCodePaths, addRoute, removeRoute, templateCopy, withAbsoluteAliases } from './template-copy.js';
