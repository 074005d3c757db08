// Tells the data plane which (api, stage) pairs changed. In-process on one node; a fleet
// implementation (Postgres LISTEN/NOTIFY) is a later issue and implements the same interface.

export type DeploymentChange =
  | { kind: 'stage'; restApiId: string; stageName: string }
  /** A REST API now exists (CreateRestApi, ImportRestApi): the data plane tells 403 from 404 without the store. */
  | { kind: 'api-created'; restApiId: string }
  | { kind: 'api-deleted'; restApiId: string };

export type DeploymentListener = (change: DeploymentChange) => void;

export interface DeploymentEvents {
  publish(change: DeploymentChange): void;
  subscribe(listener: DeploymentListener): () => void;
}

export class InProcessDeploymentEvents implements DeploymentEvents {
  readonly #listeners = new Set<DeploymentListener>();

  publish(change: DeploymentChange): void {
    for (const listener of this.#listeners) listener(change);
  }

  subscribe(listener: DeploymentListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
