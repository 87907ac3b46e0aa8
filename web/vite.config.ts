// The client is served by the API process under /web/, so every asset URL carries that base.
import { defineConfig } from "vite";

declare const process: { env: Record<string, string | undefined> };
const api = process.env.GRAPHGRAM_API ?? "http://127.0.0.1:8000";
const apiPaths = [
  "/auth", "/me", "/users", "/posts", "/comments", "/feed", "/notifications",
  "/search", "/suggestions", "/media", "/tags",
];

export default defineConfig({
  base: "/web/",
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, target: "es2022" },
  // `npm run dev` proxies the JSON API so the client can be worked on with hot reload.
  server: { proxy: Object.fromEntries(apiPaths.map((p) => [p, api])) },
});
