import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Flask server serves client/dist: index.html for every non-/api path and
// the hashed assets under /assets/.
export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    // The dossier page's chunk carries the live editor (TipTap, ProseMirror,
    // Yjs, Socket.IO, about 190 kB gzipped); it is loaded only on that page.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:5000", changeOrigin: false },
      "/socket.io": { target: "http://127.0.0.1:5000", ws: true, changeOrigin: false },
    },
  },
});
