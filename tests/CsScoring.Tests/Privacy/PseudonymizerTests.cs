using System.Security.Cryptography;
using System.Text;
using CsScoring.Privacy;

namespace CsScoring.Tests.Privacy;

public sealed class PseudonymizerTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("0123456789abcdef-secret");

    [Fact]
    public void Pseudonymize_IsHmacSha256OfTheId()
    {
        var expected = "p_" + Convert.ToHexStringLower(HMACSHA256.HashData(Key, "ACME-0042"u8))[..32];
        Assert.Equal(expected, Pseudonymizer.FromSecret(Key).Pseudonymize("ACME-0042"));
    }

    [Fact]
    public void Pseudonymize_SameKey_SamePseudonymAcrossInstances_OtherKeyDiffers()
    {
        var a = Pseudonymizer.FromSecret(Key);
        var b = Pseudonymizer.FromSecret([.. Key]);
        var c = Pseudonymizer.FromSecret(Encoding.UTF8.GetBytes("another-secret-of-16+"));
        Assert.Equal(a.Pseudonymize("A1"), b.Pseudonymize("A1"));
        Assert.Equal(a.KeyFingerprint, b.KeyFingerprint);
        Assert.NotEqual(a.Pseudonymize("A1"), c.Pseudonymize("A1"));
        Assert.NotEqual(a.KeyFingerprint, c.KeyFingerprint);
        Assert.NotEqual(a.Pseudonymize("A1"), a.Pseudonymize("a1"));
    }

    [Fact]
    public void FromSecret_ShortKey_ThrowsWithoutEchoingIt()
    {
        var error = Assert.Throws<InvalidOptionException>(() => Pseudonymizer.FromSecret("hunter2"u8));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("16", error.Message, StringComparison.Ordinal);
    }
}
