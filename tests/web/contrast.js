// The WCAG 2 contrast ratio of every visible text of the page (and of every text field) with the
// background it is drawn on: the first opaque background among its ancestors, with the
// translucent ones above it blended in. Returns the texts below 4.5:1. Disabled controls are
// exempt, as WCAG exempts inactive components; so are visually hidden labels.
() => {
  const parse = (colour) => {
    const parts = colour.match(/[\d.]+/g).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const blend = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3])).concat(1);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (node) => {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      const colour = parse(getComputedStyle(n).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] === 1) break;
    }
    return layers.reverse().reduce((under, layer) => blend(layer, under), [255, 255, 255, 1]);
  };
  const ratio = (node) => {
    const back = background(node);
    const [light, dark] = [luminance(blend(parse(getComputedStyle(node).color), back)), luminance(back)].sort(
      (x, y) => y - x,
    );
    return (light + 0.05) / (dark + 0.05);
  };
  const exempt = (node) => !node.checkVisibility() || node.closest("[disabled], [aria-disabled=true], .hidden-label");
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const node = text.parentElement;
    if (!text.textContent.trim() || node.closest("option, script, template") || exempt(node)) continue;
    const r = ratio(node);
    if (r < 4.5) low.push(`${node.tagName}.${node.className} ${r.toFixed(2)}: ${text.textContent.trim().slice(0, 40)}`);
  }
  for (const field of document.querySelectorAll("input:not([type=radio]):not([type=file]), textarea, select")) {
    if (exempt(field)) continue;
    const r = ratio(field);
    if (r < 4.5) low.push(`${field.tagName}#${field.id}.${field.className} ${r.toFixed(2)}`);
  }
  return low;
}
