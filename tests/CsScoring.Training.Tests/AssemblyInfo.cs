// Console tests redirect the process-wide Console.Out/Error while a command runs, so they must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
