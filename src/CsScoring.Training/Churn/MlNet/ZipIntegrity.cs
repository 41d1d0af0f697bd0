using System.IO.Compression;

using CsScoring.Churn;

namespace CsScoring.Training.Churn.MlNet;

/// <summary>
/// Checks every entry of a model archive against the CRC-32 and length its zip headers record, before ML.NET reads
/// it. .NET's zip reader does not check CRCs, and ML.NET can loop for ever on some damaged entries, so this is the
/// second line of defence behind the manifest's SHA-256 (for a manifest rewritten after the damage): CRC-32 catches
/// every single-bit error and every burst up to 32 bits in an entry.
/// </summary>
internal static class ZipIntegrity
{
    private static readonly uint[] s_table = CreateTable();

    public static void Verify(byte[] archive, string? path)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(archive, writable: false), ZipArchiveMode.Read);
            var buffer = new byte[81920];
            foreach (var entry in zip.Entries)
            {
                var crc = 0xFFFFFFFFu;
                long length = 0;
                using (var stream = entry.Open())
                {
                    int read;
                    while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        crc = Update(crc, buffer.AsSpan(0, read));
                        length += read;
                        if (length > entry.Length)
                        {
                            break;
                        }
                    }
                }

                if (~crc != entry.Crc32 || length != entry.Length)
                {
                    throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed,
                        $"The model archive's entry '{entry.FullName}' fails its CRC-32 or length check: the file is damaged.", path);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed, $"The model archive is damaged: {ex.Message}", path, ex);
        }
    }

    internal static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
