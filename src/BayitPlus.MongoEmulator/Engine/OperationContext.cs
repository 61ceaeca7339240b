using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>A document as one operation sees it: committed, or as its transaction left it.</summary>
internal readonly record struct Visible(Record? Record, BsonValue Id, BsonDocument Document, long Order);

/// <summary>What one command reads and writes through: the committed store, or the committed store
/// overlaid with its transaction's private writes. Used under the engine lock.</summary>
internal sealed class OperationContext(ServerStore store, string database, Transaction? transaction, BsonDocument? let) : IAggregationHost
{
    public ServerStore Store { get; } = store;

    public string Database { get; } = database;

    public Transaction? Transaction { get; } = transaction;

    public DateTime Now { get; } = store.Now;

    public CollectionStore? Collection(string name) => Store.Find(Database, name);

    /// <summary>The command's <c>let</c> variables, each expression evaluated once (against no
    /// document) when the command starts, as the server does: <c>{$literal: "x"}</c> binds "x".</summary>
    private readonly BsonDocument _variables = EvaluateLet(let, store.Now);

    /// <summary>The collation of the command or of the write statement being run; null for binary.</summary>
    public Collation? Collation
    {
        get;
        set
        {
            field = value;
            Order = BsonOrder.For(value);
        }
    }

    /// <summary>Sets <see cref="Collation"/> from <paramref name="holder"/>'s <c>collation</c> (a
    /// command or a write statement), else the default collation of <paramref name="collection"/>.
    /// A view always runs under its own default collation: naming another is refused (167).</summary>
    public void UseCollation(BsonDocument holder, CollectionStore? collection)
    {
        if (!Collation.IsNamedIn(holder))
        {
            Collation = collection?.DefaultCollation;
            return;
        }

        Collation = Collation.Of(holder);
        if (collection?.View is not null && !Collation.AreSame(Collation, collection.DefaultCollation))
        {
            throw new MongoErrorException(ErrorCodes.OptionNotSupportedOnView, "Cannot override a view's default collation");
        }
    }

    /// <summary>How values compare under <see cref="Collation"/>.</summary>
    public BsonOrder Order { get; private set; } = BsonOrder.Instance;

    public QueryContext QueryContextFor(ITextSearcher? text) => new() { Now = Now, Text = text, Variables = _variables, Order = Order };

    private static BsonDocument EvaluateLet(BsonDocument? let, DateTime now)
    {
        var variables = new BsonDocument();
        if (let is null)
        {
            return variables;
        }

        var scope = new ExpressionScope(now);
        foreach (var element in let)
        {
            ExpressionCompiler.ValidateVariableName(element.Name);
            variables[element.Name] = AggExpression.Compile(element.Value).Evaluate([], scope) ?? BsonNull.Value;
        }

        return variables;
    }

    public CompiledFilter CompileFilter(CollectionStore? collection, BsonDocument filter, out TextSearch? text)
    {
        text = collection is null ? null : new TextSearch(collection);
        var compiled = CompiledFilter.Compile(filter, QueryContextFor((ITextSearcher?)text ?? MissingTextIndex.Instance));
        if (!compiled.HasText)
        {
            text = null;
        }

        return compiled;
    }

    /// <summary>The visible documents matching <paramref name="filter"/>, in natural order.</summary>
    public List<Visible> Find(CollectionStore? collection, CompiledFilter filter, TextSearch? text, out Plan plan)
    {
        if (collection is null)
        {
            plan = new Plan(null, [], 0);
            return [];
        }

        if (collection.View is not null)
        {
            if (text is not null)
            {
                throw new MongoErrorException(ErrorCodes.CommandNotSupportedOnView, $"$text is not allowed on the view {collection.Namespace}");
            }

            var viewed = ViewDocuments(collection, depth: 0);
            plan = new Plan(null, [], viewed.Count);
            return [.. viewed.Where(filter.Matches).Select((d, i) => new Visible(null, d.GetValue("_id", BsonNull.Value), d, i))];
        }

        plan = text?.Results is { } scored
            ? new Plan(text.IndexName, scored.Keys.Select(collection.FindById).OfType<Record>().OrderBy(r => r.Order).ToList(), scored.Count)
            : QueryPlanner.Choose(collection, filter.Filter, Collation);
        var matches = new List<Visible>();
        foreach (var record in plan.Records)
        {
            if (Transaction?.Find(collection, record.Id) is null && filter.Matches(record.Document))
            {
                matches.Add(new Visible(record, record.Id, record.Document, record.Order));
            }
        }

        if (Transaction is null)
        {
            return matches;
        }

        foreach (var write in Transaction.WritesTo(collection))
        {
            if (write.Current is { } current && filter.Matches(current))
            {
                matches.Add(new Visible(write.Original, write.Id, current, write.Original?.Order ?? long.MaxValue));
            }
        }

        return [.. matches.OrderBy(v => v.Order)];
    }

    /// <summary>The documents a view shows: its pipeline over what its source shows (a collection,
    /// or another view), computed at each read as the server does.</summary>
    private List<BsonDocument> ViewDocuments(CollectionStore view, int depth)
    {
        // The server's limit on view nesting.
        if (depth > 20)
        {
            throw new MongoErrorException(ErrorCodes.ViewDepthLimitExceeded, $"View depth too deep or view cycle detected; maximum depth is 20");
        }

        var definition = view.View!;
        var source = Collection(definition.ViewOn);
        var input = source?.View is not null
            ? ViewDocuments(source, depth + 1)
            : Find(source, CompiledFilter.Compile([], QueryContextFor(null)), null, out _).Select(v => v.Document).ToList();
        var context = new AggregationContext { Host = this, Query = QueryContextFor(null) };
        return [.. Pipeline.Parse(definition.Pipeline, context).Execute(input.Select(d => new MetaDoc(d))).Select(m => m.Document)];
    }

    public IEnumerable<BsonDocument> ReadCollection(string collectionName)
    {
        var collection = Collection(collectionName);
        if (collection?.View is not null && !Collation.AreSame(Collation, collection.DefaultCollation))
        {
            // A view another stage reads runs under its own collation, which must be the aggregation's.
            // No separator before the namespace: the server's message reads so.
            throw new MongoErrorException(ErrorCodes.OptionNotSupportedOnView, $"Cannot override a view's default collation{collection.Namespace}");
        }

        return collection is null ? [] : Find(collection, CompiledFilter.Compile([], QueryContextFor(null)), null, out _).Select(v => v.Document).ToList();
    }

    /// <summary>Whether the command asked to skip document validation (bypassDocumentValidation).</summary>
    public bool BypassValidation { get; set; }

    /// <summary>Checks <paramref name="document"/> against the collection's validator, unless the
    /// command bypasses validation.</summary>
    public void Validate(CollectionStore collection, BsonDocument document, BsonDocument? before)
    {
        if (!BypassValidation)
        {
            collection.Validation?.Check(document, before);
        }
    }

    public void Insert(CollectionStore collection, BsonDocument document)
    {
        Validate(collection, document, null);
        if (Transaction is null)
        {
            var changes = new List<ChangeEvent>(1);
            Store.CommitInsert(collection, document, changes);
            Store.Changes.Append(changes);
            return;
        }

        var id = document["_id"];
        if (Transaction.Find(collection, id) is { Current: not null })
        {
            throw collection.Btrees[0].Describe([id]).ToException(collection.Namespace);
        }

        CheckUniqueInTransaction(collection, document, replacing: null);
        Transaction.Write(Store, collection, id, document, isReplacement: false);
    }

    public void Replace(CollectionStore collection, Visible target, BsonDocument document, bool isReplacement)
    {
        Validate(collection, document, target.Document);
        if (Transaction is null)
        {
            var changes = new List<ChangeEvent>(1);
            Store.CommitReplace(collection, target.Record!, document, isReplacement, changes);
            Store.Changes.Append(changes);
            return;
        }

        CheckUniqueInTransaction(collection, document, target.Id);
        Transaction.Write(Store, collection, target.Id, document, isReplacement);
    }

    public void Delete(CollectionStore collection, Visible target)
    {
        if (Transaction is null)
        {
            var changes = new List<ChangeEvent>(1);
            Store.CommitDelete(collection, target.Record!, changes);
            Store.Changes.Append(changes);
            return;
        }

        Transaction.Write(Store, collection, target.Id, null, isReplacement: false);
    }

    /// <summary>Unique checks for a transaction's write: committed documents the transaction has
    /// since changed or deleted do not count, its own pending documents do. A key another open
    /// transaction has written is a WriteConflict, as the server's index-key locking makes it, so
    /// two transactions upserting the same unique key end with one retried, not a commit failing.</summary>
    private void CheckUniqueInTransaction(CollectionStore collection, BsonDocument document, BsonValue? replacing)
    {
        var transaction = Transaction!;
        collection.EnsureUnique(document, r => (replacing is not null && BsonOrder.AreEqual(r.Id, replacing)) || transaction.Find(collection, r.Id) is not null);
        var uniqueIndexes = collection.Btrees.Where(b => b.Definition.Unique || b.Definition.Name == "_id_").ToList();
        foreach (var write in transaction.WritesTo(collection))
        {
            if (write.Current is { } other && !(replacing is not null && BsonOrder.AreEqual(write.Id, replacing))
                && SharedKey(uniqueIndexes, document, other) is var (index, key))
            {
                throw index.Describe(key).ToException(collection.Namespace);
            }
        }

        foreach (var owner in Store.TransactionLocks.Values.Distinct())
        {
            if (ReferenceEquals(owner, transaction))
            {
                continue;
            }

            foreach (var write in owner.WritesTo(collection))
            {
                if (write.Current is { } other && SharedKey(uniqueIndexes, document, other) is var (_, key))
                {
                    throw Transaction.WriteConflict($"another transaction is writing the unique key {string.Join(", ", key.Select(k => k.ToString()))}");
                }
            }
        }
    }

    private static (BtreeIndex Index, BsonValue[] Key)? SharedKey(List<BtreeIndex> uniqueIndexes, BsonDocument document, BsonDocument other)
    {
        foreach (var index in uniqueIndexes)
        {
            var otherKeys = index.KeysOf(other);
            foreach (var key in index.KeysOf(document))
            {
                if (otherKeys.Any(k => k.Length == key.Length && k.Zip(key).All(p => BsonOrder.AreEqual(p.First, p.Second))))
                {
                    return (index, key);
                }
            }
        }

        return null;
    }
}

/// <summary>Serves <c>$text</c> from the collection's text index: the index finds and scores the
/// committed documents; documents a transaction wrote are scored one by one.</summary>
internal sealed class TextSearch(CollectionStore collection) : ITextSearcher
{
    public IReadOnlyDictionary<BsonValue, double>? Results { get; private set; }

    public string? IndexName => collection.Text?.Definition.Name;

    public Func<BsonDocument, double?> Compile(BsonDocument textSpec)
    {
        if (collection.Text is not { } text)
        {
            throw MissingTextIndex.Error();
        }

        var query = text.Index.Parse(textSpec);
        var results = text.Index.Search(query);
        Results = results;
        return document =>
        {
            var id = document.GetValue("_id", BsonNull.Value);
            var record = collection.FindById(id);
            if (record is not null && ReferenceEquals(record.Document, document))
            {
                return results.TryGetValue(id, out var score) ? score : null;
            }

            return text.Index.Score(document, query);
        };
    }
}

internal sealed class MissingTextIndex : ITextSearcher
{
    public static readonly MissingTextIndex Instance = new();

    public static MongoErrorException Error() => new(ErrorCodes.IndexNotFound, "text index required for $text query");

    public Func<BsonDocument, double?> Compile(BsonDocument textSpec) => throw Error();
}
