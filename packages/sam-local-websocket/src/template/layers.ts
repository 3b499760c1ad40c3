/**
 * A function's `Layers` (its own after those of `Globals.Function`, as SAM joins lists), read as
 * the folders Lambda would extract under /opt, in order: `AWS::Serverless::LayerVersion` with a
 * local `ContentUri`, `AWS::Lambda::LayerVersion` with a local `Content` path (what `sam package`
 * uploads). A layer the twin cannot have (an ARN of a published layer, a layer in S3) is listed
 * apart, so that the gateway can say which imports will not resolve.
 */
import { resolve } from 'node:path';
import { TemplateError } from '../errors.js';
import { BUILD_DIR } from '../shared/build-cache.js';
import type { Template } from './template.js';

/** A function's layers: the local folders, in order, and those that are not available locally. */
export interface FunctionLayers {
  /** Absolute folders, each holding what Lambda extracts to /opt (e.g. `nodejs/node_modules`). */
  layers: string[];
  /** How the template names each layer the twin cannot mount (an ARN, or a layer in S3). */
  externalLayers: string[];
  /** The layers with a `Metadata.BuildMethod`, which the local build builds first. */
  layerBuilds: LayerBuild[];
}

/** A layer `sam build` builds: its folder and build method. */
export interface LayerBuild {
  logicalId: string;
  codeDir: string;
  buildMethod: string;
}

/** The layers of one function, `globalLayers` (from Globals) first. */
export function layersOf(template: Template, globalLayers: unknown, ownLayers: unknown, baseDir: string, functionId: string): FunctionLayers {
  const entries = [...asList(globalLayers), ...asList(ownLayers)];
  const layers: string[] = [];
  const externalLayers: string[] = [];
  const layerBuilds: LayerBuild[] = [];
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
    const buildMethod = resource.Metadata?.BuildMethod;
    if (buildMethod !== undefined) {
      // Built by the local build as `sam build` builds it (sam-builds.ts), into .build/{LayerId}.
      layerBuilds.push({ logicalId: id as string, codeDir: resolve(baseDir, content), buildMethod: String(buildMethod) });
      layers.push(resolve(baseDir, BUILD_DIR, id as string));
    } else layers.push(resolve(baseDir, content));
  }
  if (layers.length + externalLayers.length > 5)
    throw new TemplateError(`${functionId}: Lambda allows at most 5 layers per function, found ${layers.length + externalLayers.length}`);
  return { layers, externalLayers, layerBuilds };
}

const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
