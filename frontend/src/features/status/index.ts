export { ApiStatus } from './ApiStatus'
export { useApiStatus } from './useApiStatus'
