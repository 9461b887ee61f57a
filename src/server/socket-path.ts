// Where the terminal socket is served: the page, the API docs and the replicas' relay all use it.
export const SOCKET_PATH = '/api/v1/stream';
