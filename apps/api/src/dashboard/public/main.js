// Entry point of the dashboard page: loads the campaigns and journeys, fills the selectors
// and draws every panel. Each panel reports its own state, so one failing request leaves
// the others working.
import { forgetApiKey, storedApiKey, storeApiKey } from './api-key.js';
import { listCampaigns, listJourneys, UnauthorizedError } from './api-client.js';
import { byId, chartLibrary, fillSelect, setPanelState } from './dom.js';
import { startFeed } from './feed-panel.js';
import { renderJourneyMap, renderPainPoints, renderPaths } from './journey-panel.js';
import { loadUpliftRows, renderCampaignPanel, renderCumulativePanel, renderUpliftPanel } from './uplift-panel.js';

const state = {
  campaigns: [],
  upliftRows: [],
};

/**
 * Runs a panel's work and shows its error in the panel instead of failing the page.
 * Returns false when the work failed.
 */
async function guarded(panelId, work) {
  try {
    await work();
    return true;
  } catch (error) {
    setPanelState(byId(panelId), 'error', error instanceof Error ? error.message : String(error));
    if (error instanceof UnauthorizedError) {
      replaceRejectedKey();
    }
    return false;
  }
}

/**
 * Shows the key form and resolves once a key was entered and stored.
 * @param {string} message
 */
function askForApiKey(message) {
  const form = byId('api-key-form');
  const input = byId('api-key-input');
  form.hidden = false;
  byId('page-status').textContent = message;
  document.body.dataset.state = 'needs-key';
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      storeApiKey(input.value.trim());
      input.value = '';
      form.hidden = true;
      resolve();
    }, { once: true });
  });
}

let replacingKey = false;

/** Forgets a key the API rejected and reloads the page with the next one entered. */
function replaceRejectedKey() {
  if (replacingKey) {
    return;
  }
  replacingKey = true;
  forgetApiKey();
  void askForApiKey('The API rejected the key. Paste another one to reload the dashboard.').then(() => window.location.reload());
}

function selectedMetric() {
  return byId('uplift-metric').value;
}

async function refreshUplift() {
  const metric = selectedMetric();
  let current = true;
  await guarded('uplift-panel', async () => {
    const rows = await loadUpliftRows(state.campaigns, metric);
    // When the metric changed meanwhile, a newer refresh is on its way and draws its own rows.
    current = selectedMetric() === metric;
    if (current) {
      state.upliftRows = rows;
      renderUpliftPanel(rows, metric);
    }
  });
  if (current) {
    await refreshSelectedCampaign();
  }
}

async function refreshSelectedCampaign() {
  const key = byId('campaign-select').value || undefined;
  const metric = selectedMetric();
  await Promise.all([
    refreshBreakdown(),
    guarded('cumulative-panel', () => renderCumulativePanel(key, metric)),
  ]);
}

async function refreshBreakdown() {
  const key = byId('campaign-select').value || undefined;
  const row = state.upliftRows.find((candidate) => candidate.key === key);
  await guarded('campaign-panel', () => renderCampaignPanel(row, selectedMetric(), byId('breakdown-by').value));
}

async function refreshJourney() {
  const key = byId('journey-select').value;
  if (key === '') {
    for (const id of ['journey-panel', 'pain-points-panel', 'paths-panel']) {
      setPanelState(byId(id), 'empty', 'No journeys yet: create one with POST /v1/admin/journeys.');
    }
    return;
  }
  await Promise.all([
    guarded('journey-panel', () => renderJourneyMap(key)),
    refreshPainPoints(),
    guarded('paths-panel', () => renderPaths(key)),
  ]);
}

async function refreshPainPoints() {
  const key = byId('journey-select').value;
  const input = byId('pain-points-min-customers');
  if (key === '') {
    return;
  }
  if (!input.checkValidity()) {
    setPanelState(byId('pain-points-panel'), 'error', 'Customers needed per group must be a whole number from 1 to 1,000,000.');
    return;
  }
  await guarded('pain-points-panel', () => renderPainPoints(key, input.value));
}

async function loadCampaigns() {
  const loaded = await guarded('uplift-panel', async () => {
    state.campaigns = await listCampaigns();
    fillSelect(
      byId('campaign-select'),
      state.campaigns.map((campaign) => ({
        value: campaign.key,
        label: `${campaign.name} (${campaign.key})${campaign.active ? '' : ', inactive'}`,
      })),
    );
  });
  if (loaded) {
    await refreshUplift();
  }
}

async function loadJourneys() {
  const loaded = await guarded('journey-panel', async () => {
    const journeys = await listJourneys();
    fillSelect(
      byId('journey-select'),
      journeys.map((journey) => ({ value: journey.key, label: `${journey.name} (${journey.key})${journey.active ? '' : ', inactive'}` })),
    );
  });
  if (loaded) {
    await refreshJourney();
  }
}

async function start() {
  const pageStatus = byId('page-status');
  try {
    chartLibrary();
  } catch (error) {
    pageStatus.textContent = error instanceof Error ? error.message : String(error);
    return;
  }

  if (storedApiKey() === undefined) {
    await askForApiKey('Paste an API key to load the dashboard.');
  }
  const forget = byId('api-key-forget');
  forget.hidden = false;
  forget.addEventListener('click', () => {
    forgetApiKey();
    window.location.reload();
  });

  byId('uplift-metric').addEventListener('change', () => void refreshUplift());
  byId('campaign-select').addEventListener('change', () => void refreshSelectedCampaign());
  byId('breakdown-by').addEventListener('change', () => void refreshBreakdown());
  byId('journey-select').addEventListener('change', () => void refreshJourney());
  byId('pain-points-min-customers').addEventListener('change', () => void refreshPainPoints());

  startFeed();
  await Promise.all([loadCampaigns(), loadJourneys()]);
  // A rejected key leaves its message and the key form on screen instead.
  if (!replacingKey) {
    pageStatus.textContent = `Loaded at ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC.`;
    document.body.dataset.state = 'ready';
  }
}

void start();
