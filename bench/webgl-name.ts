// Which WebGL a page's browser has, by the name the page's own check reads (ui/terminal/renderer.ts):
// SwiftShader, llvmpipe, a GPU, or none.
import type { Page } from 'playwright-core';

export function webglName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'no WebGL';
  });
}
