"""Benchmarks of the API's speed and cost (`denoiser bench`, `make bench`); kept out of the shipped
`denoiser` package: they run from a source checkout and drive the service from outside."""
