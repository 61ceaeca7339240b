using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>A sort specification (<c>{a: 1, b: -1, score: {$meta: "textScore"}}</c>), comparing with
/// MongoDB's rules: arrays sort by their smallest (ascending) or largest (descending) element.</summary>
public sealed class SortSpec : IComparer<MetaDoc>
{
    private SortSpec()
    {
    }

    public bool NeedsTextScore => false;

    public IReadOnlyList<(string Path, int Direction)> Keys => [];

    public static SortSpec Parse(BsonDocument spec) => throw new NotImplementedException();

    public int Compare(MetaDoc x, MetaDoc y) => throw new NotImplementedException();
}
