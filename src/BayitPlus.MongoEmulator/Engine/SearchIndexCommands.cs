using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Search;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>Atlas's search index commands, for vector search indexes. Atlas builds indexes
/// asynchronously; here an index is READY and queryable as soon as the command returns.</summary>
internal sealed partial class CommandDispatcher
{
    private static BsonDocument CreateSearchIndexes(BsonDocument command, OperationContext operation)
    {
        var collection = SearchCollection(command, operation);
        if (command.GetValue("indexes", null) is not BsonArray { Count: > 0 } requests)
        {
            throw MongoErrorException.BadValue("createSearchIndexes requires a non-empty 'indexes' array");
        }

        var indexes = requests.Select(r => SearchIndex.Parse(r, operation.Now)).ToList();
        foreach (var index in indexes)
        {
            if (collection.SearchIndexes.Any(i => i.Name == index.Name) || indexes.Count(i => i.Name == index.Name) > 1)
            {
                throw new MongoErrorException(ErrorCodes.IndexAlreadyExists, $"Duplicate Index: index named \"{index.Name}\" already exists on {collection.Namespace}");
            }
        }

        collection.SearchIndexes.AddRange(indexes);
        return new BsonDocument("indexesCreated", new BsonArray(indexes.Select(i => new BsonDocument { { "id", i.Id }, { "name", i.Name } })));
    }

    private static BsonDocument UpdateSearchIndex(BsonDocument command, OperationContext operation)
    {
        var collection = SearchCollection(command, operation);
        var position = collection.SearchIndexes.IndexOf(FindSearchIndex(command, collection));
        collection.SearchIndexes[position] = collection.SearchIndexes[position].WithDefinition(command.GetValue("definition", BsonNull.Value), operation.Now);
        return [];
    }

    private static BsonDocument DropSearchIndex(BsonDocument command, OperationContext operation)
    {
        var collection = SearchCollection(command, operation);
        collection.SearchIndexes.Remove(FindSearchIndex(command, collection));
        return [];
    }

    /// <summary>The <c>$listSearchIndexes</c> stage: every search index, or the one its
    /// <c>name</c> or <c>id</c> selects.</summary>
    private static IEnumerable<BsonDocument> ListSearchIndexes(BsonValue spec, IReadOnlyList<SearchIndex> indexes)
    {
        var options = spec as BsonDocument ?? throw MongoErrorException.FailedToParse("$listSearchIndexes requires an object");
        var name = options.GetValue("name", null)?.AsString;
        var id = options.GetValue("id", null)?.AsString;
        if (options.Any(e => e.Name is not ("name" or "id")) || (name is not null && id is not null))
        {
            throw MongoErrorException.FailedToParse("$listSearchIndexes accepts either 'name' or 'id'");
        }

        return indexes.Where(i => (name is null || i.Name == name) && (id is null || i.Id == id)).Select(i => i.Describe());
    }

    private static CollectionStore SearchCollection(BsonDocument command, OperationContext operation) =>
        operation.Collection(CollectionName(command))
        ?? throw new MongoErrorException(ErrorCodes.NamespaceNotFound, $"Collection '{operation.Database}.{CollectionName(command)}' does not exist.");

    private static SearchIndex FindSearchIndex(BsonDocument command, CollectionStore collection)
    {
        var name = command.GetValue("name", null) as BsonString;
        var id = command.GetValue("id", null) as BsonString;
        if ((name is null) == (id is null))
        {
            throw MongoErrorException.FailedToParse("Either 'name' or 'id' must be specified, as a string, but not both");
        }

        return collection.SearchIndexes.FirstOrDefault(i => name is not null ? i.Name == name.Value : i.Id == id!.Value)
            ?? throw new MongoErrorException(ErrorCodes.IndexNotFound, $"Search index not found: {name?.Value ?? id!.Value}");
    }
}
