using System.Text;
using CsScoring.Data;

namespace CsScoring.Tests.Data;

/// <summary>A data folder held in memory that counts how often each file is opened.</summary>
internal sealed class MemoryDataFolder(IReadOnlyDictionary<string, string> files) : IDataFolder
{
    private readonly Dictionary<string, int> _opens = new(StringComparer.Ordinal);

    public string Name => "memory";

    public IReadOnlyDictionary<string, int> Opens => _opens;

    public static TabularReader Table(string csv, string name = "table.csv")
        => new MemoryDataFolder(new Dictionary<string, string> { [name] = csv }).OpenTable(name);

    public bool Contains(string fileName) => files.ContainsKey(fileName);

    public Stream OpenRead(string fileName)
    {
        if (!files.TryGetValue(fileName, out var text))
        {
            throw new FileNotFoundException($"No file '{fileName}'.", fileName);
        }

        _opens[fileName] = _opens.GetValueOrDefault(fileName) + 1;
        return new MemoryStream(Encoding.UTF8.GetBytes(text));
    }
}
