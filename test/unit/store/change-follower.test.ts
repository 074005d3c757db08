// Following the store's change feed: a consumer gets every change once and in version order,
// catches up from its version when a notification is lost (LISTEN/NOTIFY may drop them) or it
// was stopped, and reloads everything when the feed was trimmed past its version.
import { describe, it, expect } from 'vitest';
import { SqliteConfigStore } from '../../../src/store/sqlite/sqlite-config-store.js';
import type { ChangeFeed, ConfigChange } from '../../../src/store/config-store.js';
import { ChangeFollower } from '../../../src/sync/change-follower.js';
import { restApiRecord } from '../../helpers/store-records.js';

const definition = (id: string) => restApiRecord(id);

function recorder() {
  const applied: ConfigChange[] = [];
  let reloads = 0;
  return {
    applied,
    reloads: () => reloads,
    consumer: {
      apply: (change: ConfigChange) => void applied.push(change),
      reload: () => void reloads++,
    },
  };
}

const failOnError = {
  error: (details: object) => {
    throw new Error(JSON.stringify(details));
  },
};

/** The store's feed with the notifications `dropped` picks never delivered. */
function lossyFeed(store: SqliteConfigStore, dropped: (version: number) => boolean): ChangeFeed {
  return {
    configVersion: () => store.configVersion(),
    changesSince: (version) => store.changesSince(version),
    subscribe: (listener) => store.subscribe((change) => {
      if (!dropped(change.version)) listener(change);
    }),
  };
}

describe('ChangeFollower', () => {
  it('loads at start, then applies each change once, in order, even when notifications are lost', async () => {
    const store = new SqliteConfigStore(':memory:');
    store.createDefinition(definition('before'));
    const { applied, reloads, consumer } = recorder();
    const start = store.configVersion();
    const follower = new ChangeFollower(lossyFeed(store, (version) => version === start + 2 || version === start + 3), consumer, failOnError);
    await follower.start();
    expect(reloads()).toBe(1);
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.createDefinition(definition(id));
    await follower.catchUp();
    expect(applied.map((change) => change.version - start)).toEqual([1, 2, 3, 4, 5]);
    expect(applied.map((change) => 'apiId' in change && change.apiId)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(follower.version).toBe(store.configVersion());
    follower.stop();
    store.close();
  });

  it('catches up from its version after missing N changes while stopped', async () => {
    const store = new SqliteConfigStore(':memory:');
    const { applied, consumer } = recorder();
    const follower = new ChangeFollower(store, consumer, failOnError);
    await follower.start();
    follower.stop();
    const from = follower.version;
    for (let i = 0; i < 25; i++) store.createDefinition(definition(`api${i}`));
    expect(applied).toEqual([]);
    await follower.catchUp();
    expect(applied.map((change) => change.version)).toEqual(Array.from({ length: 25 }, (_, i) => from + i + 1));
    store.close();
  });

  it('reloads instead when the feed was trimmed past its version', async () => {
    const store = new SqliteConfigStore(':memory:', { keptChanges: 5 });
    const { applied, reloads, consumer } = recorder();
    const follower = new ChangeFollower(store, consumer, failOnError);
    await follower.start();
    follower.stop();
    for (let i = 0; i < 10; i++) store.createDefinition(definition(`api${i}`));
    await follower.catchUp();
    expect(reloads()).toBe(2);
    expect(applied).toEqual([]);
    expect(follower.version).toBe(store.configVersion());
    store.close();
  });
});
