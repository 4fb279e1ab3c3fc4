/// <reference types="@fastly/js-compute" />
import { app } from './main.ts'

// No hono/fastly exists and hono/service-worker re-fetches 404s through a backend-less fetch.
addEventListener('fetch', (event) =>
  event.respondWith(app.fetch(event.request, {}, event as never))
)
