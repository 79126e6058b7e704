// Builds DOM elements. Text goes in as text nodes, never as HTML, so job names and job output (untrusted) are
// escaped by construction: nothing in the dashboard sets innerHTML.

/**
 * el('a', { class: 'name', href: '#/', onclick: fn, dataset: { job } }, 'text', child, [more], null)
 * `class` sets className, `dataset` data-* attributes, `on…` functions listeners, other keys attributes
 * (true: present, false/null/undefined: left out). Children: strings, numbers, nodes, arrays; null and false skip.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}
