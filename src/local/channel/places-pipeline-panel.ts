// (local channel page) the pipeline panel over every place of the local AWS: the home place's pipelines by name, another account's or region's as `<account>/<region>/<name>`
import type { LocalAwsPlace } from '../aws/places';
import { localPipelinePanel, PanelInputError, type PipelinePanelPort } from './pipeline-panel';

/** A place's simulator, as the panel drives it. */
export type PanelPlace = Pick<LocalAwsPlace, 'accountId' | 'region' | 'codePipeline'>;

/**
 * One panel for several places (accounts and regions), so a namesake in another account is its own
 * entry and is driven in its own place. The first place is the home one: its pipelines keep their
 * plain names (what the page and the tests have always used); the others' are qualified as
 * `<account>/<region>/<name>`, which no pipeline name can be mistaken for (names have no `/`).
 */
export function placesPipelinePanel(places: readonly PanelPlace[]): PipelinePanelPort {
  const panels = places.map((place, index) => ({
    prefix: index === 0 ? '' : `${place.accountId}/${place.region}/`,
    panel: localPipelinePanel(place.codePipeline),
  }));

  /** The place's panel and the pipeline's own name, for a name as the panel lists it. */
  function locate(name: string): { panel: PipelinePanelPort; name: string; prefix: string } {
    const slash = name.lastIndexOf('/');
    const prefix = slash === -1 ? '' : name.slice(0, slash + 1);
    const found = panels.find((entry) => entry.prefix === prefix);
    if (found === undefined) throw new PanelInputError(`There is no account and region ${prefix.slice(0, -1)} here`);
    return { panel: found.panel, name: name.slice(slash + 1), prefix };
  }

  return {
    async list() {
      const lists = await Promise.all(panels.map((entry) => entry.panel.list()));
      return lists.flatMap((list, i) => list.map((p) => ({ ...p, name: `${panels[i]?.prefix ?? ''}${p.name}` })));
    },
    async state(name) {
      const place = locate(name);
      const state = await place.panel.state(place.name);
      return { ...state, name: `${place.prefix}${state.name}` };
    },
    start(name, options) {
      const place = locate(name);
      return place.panel.start(place.name, options);
    },
    onChange(listener) {
      const stops = panels.map((entry) => entry.panel.onChange(listener));
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
