using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Tests.Churn;

namespace CsScoring.Hosting.Tests.Fixtures;

/// <summary>Model directories for hosting tests: fresh copies, whole-directory deployments, damaged models.</summary>
internal static class HostingModels
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "csscoring-hosting-tests-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        return root;
    });

    private static readonly Lazy<string> s_explainable = new(() =>
    {
        var source = ModelDirectories.Get("fast_tree");
        var target = NewPath("fast_tree_background");
        var model = ChurnModel.Load(source);
        var rows = ModelDirectories.Rows(300, 5).SelectMany(ModelDirectories.Features).ToArray();
        var background = model.WithBackground(rows, 300).Background!;
        AtomicOutput.WriteDirectory(target, directory => Rewrite(source, directory, scorer => scorer, background));
        return target;
    });

    /// <summary>A fresh copy of a fixture model (<c>fast_tree</c>, <c>light_gbm</c>, <c>logistic</c>) in its own parent directory.</summary>
    public static string Copy(string name)
    {
        var target = NewPath(name);
        Deploy(ModelDirectories.Get(name), target);
        return target;
    }

    /// <summary>A fast-tree model directory with an explanation background, shared by tests that only read it.</summary>
    public static string Explainable => s_explainable.Value;

    /// <summary>
    /// Replaces <paramref name="target"/> as a whole with a copy of <paramref name="source"/>, as
    /// <c>csscoring train --force</c> does: the new directory is filled beside it, the old one renamed away, the new one
    /// renamed in, the old one deleted.
    /// </summary>
    public static void Deploy(string source, string target)
        => AtomicOutput.WriteDirectory(target, directory =>
        {
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }
        }, force: true);

    /// <summary>A copy of a fixture model whose scorer file no longer matches the manifest's hash.</summary>
    public static string Corrupt(string name)
    {
        var target = Copy(name);
        var path = Path.Combine(target, ChurnModelDirectory.ScorerFileName);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        return target;
    }

    /// <summary>A copy of the fast-tree model whose stored self-test probabilities disagree with its trees (hashes consistent).</summary>
    public static string FailingSelfTest()
    {
        var source = ModelDirectories.Get("fast_tree");
        var target = NewPath("fast_tree_bad_self_test");
        AtomicOutput.WriteDirectory(target, directory => Rewrite(source, directory, scorer => scorer with
        {
            SelfTest = scorer.SelfTest! with { Probabilities = [.. scorer.SelfTest.Probabilities.Select(p => p > 0.5f ? p - 0.01f : p + 0.01f)] },
        }, null));
        return target;
    }

    private static string NewPath(string name)
    {
        // Each model gets its own parent, so a test watching one parent sees only its own deployments.
        var parent = Path.Combine(s_root.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(parent);
        return Path.Combine(parent, name);
    }

    private static void Rewrite(string source, string target, Func<PortableScorer, PortableScorer> change, CsScoring.Churn.Explain.ExplanationBackground? background)
    {
        var manifest = ModelManifest.ReadFile(Path.Combine(source, ModelManifest.FileName));
        PortableScorer scorer;
        using (var stream = File.OpenRead(Path.Combine(source, ChurnModelDirectory.ScorerFileName)))
        {
            scorer = ChurnModelDirectory.ReadScorer(stream);
        }

        var zip = Path.Combine(source, ChurnModelDirectory.MlNetModelFileName);
        ChurnModelDirectory.Write(target, manifest, change(scorer), background, File.Exists(zip) ? File.ReadAllBytes(zip) : ReadOnlyMemory<byte>.Empty);
    }
}
