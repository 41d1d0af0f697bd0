// The evaluation measures live in the library; training code names them as before.
global using CsScoring.Metrics;
global using MetricSet = CsScoring.Metrics.BinaryMetricSet;
