// DOM helpers. Every text from the API goes through textContent or an attribute value,
// never through innerHTML, so customer ids and campaign names cannot inject markup.

/**
 * Creates an element with optional text, class and attributes.
 * @param {string} tag
 * @param {{ text?: string, className?: string, attributes?: Record<string, string> }} [options]
 * @returns {HTMLElement}
 */
export function element(tag, options = {}) {
  const node = document.createElement(tag);
  if (options.className !== undefined) {
    node.className = options.className;
  }
  if (options.text !== undefined) {
    node.textContent = options.text;
  }
  for (const [name, value] of Object.entries(options.attributes ?? {})) {
    node.setAttribute(name, value);
  }
  return node;
}

/** Removes every child of a node. */
export function clear(node) {
  node.replaceChildren();
}

/**
 * A table cell: the text shown, and optionally the exact number behind it in `data-value`,
 * so tests and scripts can read the unrounded value.
 * @typedef {{ text: string, value?: number | null }} Cell
 */

/**
 * Replaces the rows of a table body.
 * @param {HTMLTableSectionElement} body
 * @param {Cell[][]} rows
 */
export function fillTable(body, rows) {
  clear(body);
  for (const row of rows) {
    const tr = document.createElement('tr');
    for (const cell of row) {
      const td = element('td', { text: cell.text });
      if (cell.value !== undefined) {
        td.className = 'number';
        td.dataset.value = cell.value === null ? '' : String(cell.value);
      }
      tr.append(td);
    }
    body.append(tr);
  }
}

/**
 * Replaces the options of a select, keeping the current choice when it is still offered.
 * @param {HTMLSelectElement} select
 * @param {Array<{ value: string, label: string }>} options
 */
export function fillSelect(select, options) {
  const previous = select.value;
  clear(select);
  for (const option of options) {
    const node = element('option', { text: option.label });
    node.value = option.value;
    select.append(node);
  }
  if (options.some((option) => option.value === previous)) {
    select.value = previous;
  }
}

/**
 * Sets a panel's state (`loading`, `ready`, `empty` or `error`) and its status line.
 * Tests wait for `data-state` to leave `loading`.
 * @param {HTMLElement} panel
 * @param {string} state
 * @param {string} [message]
 */
export function setPanelState(panel, state, message = '') {
  panel.dataset.state = state;
  const status = panel.querySelector('.panel-status');
  if (status !== null) {
    status.textContent = message;
  }
}

/**
 * Returns the element with that id, or throws when the page lacks it.
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) {
    throw new Error(`The dashboard page has no element with id ${id}`);
  }
  return /** @type {T} */ (node);
}

/** Returns the Chart.js global that chart.umd.min.js defines. */
export function chartLibrary() {
  const library = /** @type {any} */ (window).Chart;
  if (library === undefined) {
    throw new Error('Chart.js did not load: /dashboard/assets/chart.umd.min.js is missing or blocked');
  }
  return library;
}

/**
 * Draws a chart on a canvas, replacing the chart drawn there before.
 * @param {HTMLCanvasElement} canvas
 * @param {object} config Chart.js configuration
 */
export function drawChart(canvas, config) {
  const Chart = chartLibrary();
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, config);
}
