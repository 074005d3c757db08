// Tells the data plane which (api, stage) pairs changed. In-process on one node; a fleet
// implementation (Postgres LISTEN/NOTIFY) is a later issue and implements the same interface.

export type DeploymentChange =
  | { kind: 'stage'; restApiId: string; stageName: string }
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
