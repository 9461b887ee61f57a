// esbuild bundles imported stylesheets into app.css; for the type-checker they are just modules.
declare module '*.css';
