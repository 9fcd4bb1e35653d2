using BenchmarkDotNet.Running;
using TokenFunction.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(TokenMintingBenchmarks).Assembly).Run(args);
