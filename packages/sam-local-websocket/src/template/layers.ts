/**
 * A function's `Layers` (its own after those of `Globals.Function`, as SAM joins lists), read as
 * the folders Lambda would extract under /opt, in order: `AWS::Serverless::LayerVersion` with a
 * local `ContentUri`, `AWS::Lambda::LayerVersion` with a local `Content` path (what `sam package`
 * uploads). A layer the twin cannot have (an ARN of a published layer, a layer in S3) is listed
 * apart, so that the gateway can say which imports will not resolve.
 */
import { resolve } from 'node:path';
import { TemplateError } from '../errors.js';
import type { Template } from './template.js';

/** A function's layers: the local folders, in order, and those that are not available locally. */
export interface FunctionLayers {
  /** Absolute folders, each holding what Lambda extracts to /opt (e.g. `nodejs/node_modules`). */
  layers: string[];
  /** How the template names each layer the twin cannot mount (an ARN, or a layer in S3). */
  externalLayers: string[];
}

/** The layers of one function, `globalLayers` (from Globals) first. */
export function layersOf(template: Template, globalLayers: unknown, ownLayers: unknown, baseDir: string, functionId: string): FunctionLayers {
  const entries = [...asList(globalLayers), ...asList(ownLayers)];
  const layers: string[] = [];
  const externalLayers: string[] = [];
  for (const entry of entries) {
    const id = (entry as { Ref?: unknown })?.Ref;
    const resource = typeof id === 'string' ? template.Resources[id] : undefined;
    if (!resource) {
      externalLayers.push(typeof entry === 'string' ? entry : JSON.stringify(entry));
      continue;
    }
    const content =
      resource.Type === 'AWS::Serverless::LayerVersion'
        ? resource.Properties?.ContentUri
        : resource.Type === 'AWS::Lambda::LayerVersion'
          ? resource.Properties?.Content
          : (() => {
              throw new TemplateError(`${functionId}: Layers names ${id}, a ${resource.Type}, not a layer version`);
            })();
    if (typeof content !== 'string') {
      externalLayers.push(`${id} (its content is not a local folder)`);
      continue;
    }
    if (resource.Metadata?.BuildMethod !== undefined) {
      throw new TemplateError(
        `${id}: a layer with Metadata.BuildMethod (${resource.Metadata.BuildMethod}) is not built locally: build its folder first and remove BuildMethod, or point ContentUri at the built folder`,
      );
    }
    layers.push(resolve(baseDir, content));
  }
  if (layers.length + externalLayers.length > 5)
    throw new TemplateError(`${functionId}: Lambda allows at most 5 layers per function, found ${layers.length + externalLayers.length}`);
  return { layers, externalLayers };
}

const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
