using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CsScoring.Churn.Trees;

/// <summary>
/// The widest vector instructions a <see cref="TreeEnsemble"/> evaluates with. Production code takes the best the
/// processor supports; tests pin a lower level to check that every path gives the same bits.
/// </summary>
internal enum TreeIsa
{
    /// <summary>Tree walks only (no vector instructions).</summary>
    Scalar = 0,

    /// <summary>128-bit vectors: SSE on x64, NEON on ARM64.</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors (AVX-512 F and CD).</summary>
    Vector512 = 3,
}

/// <summary>Which <see cref="TreeIsa"/> levels this process can run.</summary>
internal static class TreeIsaSupport
{
    /// <summary>The widest supported level: the one production code uses.</summary>
    public static TreeIsa Best { get; } = IsSupported(TreeIsa.Vector512) ? TreeIsa.Vector512
        : IsSupported(TreeIsa.Vector256) ? TreeIsa.Vector256
        : IsSupported(TreeIsa.Vector128) ? TreeIsa.Vector128
        : TreeIsa.Scalar;

    public static bool IsSupported(TreeIsa isa) => isa switch
    {
        TreeIsa.Scalar => true,
        TreeIsa.Vector128 => Vector128.IsHardwareAccelerated,
        TreeIsa.Vector256 => Vector256.IsHardwareAccelerated,
        TreeIsa.Vector512 => Avx512F.IsSupported && Avx512CD.IsSupported,
        _ => false,
    };
}
