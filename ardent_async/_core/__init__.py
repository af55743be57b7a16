"""The core: how one request is built, sent, retried and decoded (private).

A request's path: the services hand a row of the endpoint table to the pipeline
(``_pipeline``), which signs it (``_auth``), checks the per-call options (``_options``),
sends it over a transport (``_transport``), retries by ``_retry``'s policy on an injected
``_clock``, maps errors and decodes the reply with the one converter (``_converter``,
timestamps by ``_timestamp``). Around it: path building (``_paths``), argument checks
(``_validate``), the one redaction module (``_redact``), response metadata (``_response``),
the ``KEEP`` sentinel (``_sentinel``), the bounded worker pool of fan-out (``_worker_pool``)
and telemetry (``_telemetry``). Nothing here imports the services, the waiting or the client.
"""
