using System.Globalization;
using System.Text;
using CsScoring.Churn;

namespace CsScoring.Tests.Churn;

public sealed class ChurnModelDirectoryIntegrityTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("team-signing-key-0123456789");

    [Fact]
    public void Load_OneByteOfTheHighRiskCutEdited_ThrowsIntegrityCheckFailedNamingTheManifest()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var path = Path.Combine(directory, "manifest.json");
        var text = File.ReadAllText(path);
        var high = ChurnModel.Load(directory).Manifest.Thresholds.Bands.High.ToString("R", CultureInfo.InvariantCulture);
        var at = text.IndexOf("\"high\": " + high, StringComparison.Ordinal);
        Assert.True(at >= 0, "the manifest names its high-risk cut");
        var digit = at + "\"high\": 0.".Length;

        // 0.19 -> 0.99: one byte, and every account would become low risk.
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes[digit] = (byte)(bytes[digit] == (byte)'9' ? '1' : '9');
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, error.Error);
        Assert.Equal(path, error.SourceName);
        Assert.Contains("manifest.sha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ChecksumFileMissing_ThrowsAndPointsToUpgradeModel()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        File.Delete(Path.Combine(directory, ChurnModelDirectory.ManifestChecksumFileName));
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, error.Error);
        Assert.Contains("upgrade-model", error.Message, StringComparison.Ordinal);
        Assert.NotNull(ChurnModel.Load(directory, new ChurnModelLoadOptions { RequireManifestChecksum = false }));
    }

    [Fact]
    public void Write_ChecksumFile_IsSha256sumFormat()
    {
        var directory = ModelDirectories.Copy("logistic");
        var line = File.ReadAllText(Path.Combine(directory, ChurnModelDirectory.ManifestChecksumFileName));
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, "manifest.json"))));
        Assert.Equal(expected + "  manifest.json\n", line);
    }

    [Fact]
    public void Load_SignedWithTheSameKey_Loads()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        ChurnModelDirectory.Sign(directory, Key);
        Assert.NotNull(ChurnModel.Load(directory, new ChurnModelLoadOptions { SigningKey = Key }));
    }

    [Fact]
    public void Load_WrongKey_ThrowsSignatureInvalid()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        ChurnModelDirectory.Sign(directory, Key);
        var other = Encoding.UTF8.GetBytes("another-teams-key-0123456789");
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory, new ChurnModelLoadOptions { SigningKey = other }));
        Assert.Equal(ChurnModelError.SignatureInvalid, error.Error);
        Assert.Contains("another key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyGivenButDirectoryUnsigned_ThrowsSignatureInvalid()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory, new ChurnModelLoadOptions { SigningKey = Key }));
        Assert.Equal(ChurnModelError.SignatureInvalid, error.Error);
        Assert.Contains("signature.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestEditedAndResealedAfterSigning_ThrowsSignatureInvalidNamingTheFile()
    {
        // Whoever can rewrite manifest.sha256 passes the checksum; only the keyed signature catches them.
        var directory = ModelDirectories.Copy("fast_tree");
        ChurnModelDirectory.Sign(directory, Key);
        var path = Path.Combine(directory, "manifest.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"seed\"", "\"seed\" ", StringComparison.Ordinal));
        ChurnModelDirectory.WriteManifestChecksum(directory);
        Assert.NotNull(ChurnModel.Load(directory));
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory, new ChurnModelLoadOptions { SigningKey = Key }));
        Assert.Equal(ChurnModelError.SignatureInvalid, error.Error);
        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_ShortKey_Throws()
        => Assert.Throws<ArgumentException>(() => ChurnModelDirectory.Sign(ModelDirectories.Copy("logistic"), "short"u8));
}
