using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;
using static BayitPlus.MongoEmulator.Tests.Aggregation.ExpressionTestHelper;

namespace BayitPlus.MongoEmulator.Tests.Aggregation;

public sealed class PipelineTests
{
    private static readonly Dictionary<string, string[]> Collections = new()
    {
        ["sections"] = ["{_id: 's1', name: 'News'}", "{_id: 's2', name: 'Sport'}", "{_id: 's3', name: 'Empty'}"],
        ["tags"] = ["{_id: 1, code: 'a'}", "{_id: 2, code: 'b'}", "{_id: 3, code: ['a', 'c']}", "{_id: 4}"],
    };

    private static List<BsonDocument> Run(string pipeline, params string[] documents) =>
        [.. Execute(pipeline, documents.Select(d => new MetaDoc(BsonDocument.Parse(d)))).Select(m => m.Document)];

    private static IEnumerable<MetaDoc> Execute(string pipeline, IEnumerable<MetaDoc> input)
    {
        var context = new AggregationContext { Host = new FakeHost(), Query = new QueryContext { Now = Now } };
        return Pipeline.Parse(Json(pipeline).AsBsonArray, context).Execute(input);
    }

    private static void AssertDocs(string expectedJsonArray, List<BsonDocument> actual) =>
        Assert.Equal(Json(expectedJsonArray).AsBsonArray.Select(v => v.ToJson()), actual.Select(d => d.ToJson()));

    private static int ErrorCode(string pipeline, params string[] documents) =>
        Assert.Throws<MongoErrorException>(() => Run(pipeline, documents)).Code;

    private sealed class FakeHost : IAggregationHost
    {
        public IEnumerable<BsonDocument> ReadCollection(string collectionName) =>
            Collections.GetValueOrDefault(collectionName, []).Select(BsonDocument.Parse);
    }

    [Fact]
    public void Group_by_section_sums_views_and_counts_featured_content()
    {
        var result = Run(
            "[{$match: {is_featured: true}}, {$group: {_id: '$primary_section_id', total_views: {$sum: '$view_count'}, content_count: {$sum: 1}}}]",
            "{_id: 1, is_featured: true, primary_section_id: 's1', view_count: 10}",
            "{_id: 2, is_featured: true, primary_section_id: 's2', view_count: 5}",
            "{_id: 3, is_featured: false, primary_section_id: 's1', view_count: 100}",
            "{_id: 4, is_featured: true, primary_section_id: 's1', view_count: NumberLong(7)}",
            "{_id: 5, is_featured: true, primary_section_id: 's2'}");
        AssertDocs("[{_id: 's1', total_views: NumberLong(17), content_count: 2}, {_id: 's2', total_views: 5, content_count: 2}]", result);
    }

    [Fact]
    public void Group_accumulators()
    {
        var result = Run(
            "[{$group: {_id: {k: '$k'}, sum: {$sum: '$v'}, avg: {$avg: '$v'}, min: {$min: '$v'}, max: {$max: '$v'}, first: {$first: '$v'}, last: {$last: '$v'}, push: {$push: '$v'}, set: {$addToSet: '$v'}, n: {$count: {}}, merged: {$mergeObjects: '$o'}}}]",
            "{k: 1, v: 2, o: {a: 1}}",
            "{k: 1, v: 2.5, o: {b: 2}}",
            "{k: 1, o: null}",
            "{k: 1, v: 2}");
        AssertDocs(
            "[{_id: {k: 1}, sum: 6.5, avg: 2.1666666666666665, min: 2, max: 2.5, first: 2, last: 2, push: [2, 2.5, 2], set: [2, 2.5], n: 4, merged: {a: 1, b: 2}}]",
            result);
    }

    [Fact]
    public void Group_null_id_and_missing_keys_and_empty_average()
    {
        AssertDocs("[{_id: null, n: 3, avg: null}]", Run("[{$group: {_id: null, n: {$sum: 1}, avg: {$avg: '$x'}}}]", "{}", "{}", "{a: 1}"));
        AssertDocs("[{_id: null, n: 2}, {_id: 1, n: 1}]", Run("[{$group: {_id: '$k', n: {$sum: 1}}}]", "{}", "{k: null}", "{k: 1}"));
        Assert.Empty(Run("[{$group: {_id: null, n: {$sum: 1}}}]"));
    }

    [Theory]
    [InlineData("[{$group: {n: {$sum: 1}}}]", 15955)]
    [InlineData("[{$group: {_id: null, n: {$bogus: 1}}}]", 15952)]
    [InlineData("[{$group: {_id: null, n: 1}}]", 40234)]
    public void Group_errors(string pipeline, int code) => Assert.Equal(code, ErrorCode(pipeline, "{}"));

    [Fact]
    public void Project_inclusion_exclusion_and_computed_fields()
    {
        const string doc = "{_id: 1, a: 1, b: {c: 2, d: 3}, e: [{c: 4, d: 5}, 6], f: 'x'}";
        AssertDocs("[{_id: 1, a: 1, b: {c: 2}, e: [{c: 4}]}]", Run("[{$project: {a: 1, 'b.c': 1, e: {c: true}}}]", doc));
        AssertDocs("[{a: 1, sum: 3}]", Run("[{$project: {_id: 0, a: 1, sum: {$add: ['$a', '$b.c']}}}]", doc));
        AssertDocs("[{_id: 1, b: {d: 3}, e: [{d: 5}, 6]}]", Run("[{$project: {a: 0, 'b.c': 0, 'e.c': 0, f: 0}}]", doc));
        AssertDocs("[{_id: 1, lit: 'hello', nested: {x: 'x'}}]", Run("[{$project: {lit: 'hello', nested: {x: '$f'}}}]", doc));
        AssertDocs("[{_id: 'x', a: 1}]", Run("[{$project: {a: 1, _id: '$f'}}]", doc));
        AssertDocs("[{_id: 1}]", Run("[{$project: {_id: 1}}]", doc));
    }

    [Theory]
    [InlineData("[{$project: {a: 1, b: 0}}]", 31254)]
    [InlineData("[{$project: {}}]", 51272)]
    [InlineData("[{$project: {a: 1, 'a.b': 1}}]", 31250)]
    public void Project_errors(string pipeline, int code) => Assert.Equal(code, ErrorCode(pipeline, "{}"));

    [Fact]
    public void AddFields_set_and_unset()
    {
        const string doc = "{_id: 1, a: 1, b: {c: 2}, arr: [{x: 1}, {x: 2}]}";
        AssertDocs("[{_id: 1, a: 5, b: {c: 2, d: 3}, arr: [{x: 1}, {x: 2}], n: 1}]", Run("[{$addFields: {a: 5, 'b.d': 3, n: '$a'}}]", doc));
        AssertDocs("[{_id: 1, a: 1, b: {c: 2, e: true}, arr: [{x: 1, y: 0}, {x: 2, y: 0}]}]", Run("[{$set: {b: {e: true}, 'arr.y': 0}}]", doc));
        AssertDocs("[{_id: 1, b: {c: 2}, arr: [{x: 1}, {x: 2}]}]", Run("[{$set: {a: '$$REMOVE'}}]", doc));
        AssertDocs("[{_id: 1, b: {}, arr: [{}, {}]}]", Run("[{$unset: ['a', 'b.c', 'arr.x']}]", doc));
        AssertDocs("[{a: 1, b: {c: 2}, arr: [{x: 1}, {x: 2}]}]", Run("[{$unset: '_id'}]", doc));
    }

    [Fact]
    public void Skip_limit_and_count()
    {
        string[] docs = ["{i: 1}", "{i: 2}", "{i: 3}", "{i: 4}"];
        AssertDocs("[{i: 2}, {i: 3}]", Run("[{$skip: 1}, {$limit: 2}]", docs));
        AssertDocs("[{total: 4}]", Run("[{$count: 'total'}]", docs));
        Assert.Empty(Run("[{$count: 'total'}]"));
        Assert.Equal(15958, ErrorCode("[{$limit: 0}]"));
        Assert.Equal(15956, ErrorCode("[{$skip: -1}]"));
        Assert.Equal(40158, ErrorCode("[{$count: '$x'}]"));
    }

    [Fact]
    public void Unwind_string_and_document_forms()
    {
        string[] docs = ["{_id: 1, s: ['a', 'b']}", "{_id: 2, s: []}", "{_id: 3, s: null}", "{_id: 4}", "{_id: 5, s: 'z'}"];
        AssertDocs("[{_id: 1, s: 'a'}, {_id: 1, s: 'b'}, {_id: 5, s: 'z'}]", Run("[{$unwind: '$s'}]", docs));
        AssertDocs(
            "[{_id: 1, s: 'a', i: NumberLong(0)}, {_id: 1, s: 'b', i: NumberLong(1)}, {_id: 2, i: null}, {_id: 3, s: null, i: null}, {_id: 4, i: null}, {_id: 5, s: 'z', i: null}]",
            Run("[{$unwind: {path: '$s', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true}}]", docs));
        AssertDocs("[{a: {b: 1, c: 0}}, {a: {b: 2, c: 0}}]", Run("[{$unwind: '$a.b'}]", "{a: {b: [1, 2], c: 0}}"));
        Assert.Equal(28818, ErrorCode("[{$unwind: 's'}]"));
    }

    [Fact]
    public void Lookup_with_local_and_foreign_fields()
    {
        AssertDocs(
            "[{_id: 1, sec: 's1', section: [{_id: 's1', name: 'News'}]}, {_id: 2, sec: 'zz', section: []}]",
            Run("[{$lookup: {from: 'sections', localField: 'sec', foreignField: '_id', as: 'section'}}]", "{_id: 1, sec: 's1'}", "{_id: 2, sec: 'zz'}"));

        // A local array matches any element; a foreign array matches through its elements; missing matches missing.
        var result = Run(
            "[{$lookup: {from: 'tags', localField: 'codes', foreignField: 'code', as: 't'}}, {$project: {ids: '$t._id'}}]",
            "{_id: 'x', codes: ['a', 'b']}",
            "{_id: 'y'}");
        AssertDocs("[{_id: 'x', ids: [1, 2, 3]}, {_id: 'y', ids: [4]}]", result);
    }

    [Fact]
    public void Lookup_with_let_and_pipeline()
    {
        AssertDocs(
            "[{_id: 1, want: 'Sport', found: [{name: 'Sport'}]}]",
            Run(
                "[{$lookup: {from: 'sections', let: {w: '$want'}, pipeline: [{$match: {$expr: {$eq: ['$name', '$$w']}}}, {$project: {_id: 0, name: 1}}], as: 'found'}}]",
                "{_id: 1, want: 'Sport'}"));
        AssertDocs(
            "[{_id: 1, sec: 's2', n: [{c: 1}]}]",
            Run("[{$lookup: {from: 'sections', localField: 'sec', foreignField: '_id', pipeline: [{$count: 'c'}], as: 'n'}}]", "{_id: 1, sec: 's2'}"));
    }

    [Fact]
    public void Facet_runs_each_sub_pipeline_over_the_same_input()
    {
        AssertDocs(
            "[{count: [{n: 3}], big: [{v: 3}], sum: [{_id: null, s: 6}]}]",
            Run(
                "[{$facet: {count: [{$count: 'n'}], big: [{$match: {v: {$gt: 2}}}, {$project: {_id: 0, v: 1}}], sum: [{$group: {_id: null, s: {$sum: '$v'}}}]}}]",
                "{_id: 1, v: 1}", "{_id: 2, v: 2}", "{_id: 3, v: 3}"));
        Assert.Equal(40600, ErrorCode("[{$facet: {a: [{$facet: {b: []}}]}}]"));
    }

    [Fact]
    public void ReplaceRoot_and_replaceWith()
    {
        AssertDocs("[{x: 1}]", Run("[{$replaceRoot: {newRoot: '$inner'}}]", "{_id: 1, inner: {x: 1}}"));
        AssertDocs("[{x: 1, id: 1}]", Run("[{$replaceWith: {$mergeObjects: ['$inner', {id: '$_id'}]}}]", "{_id: 1, inner: {x: 1}}"));
        Assert.Equal(40228, ErrorCode("[{$replaceRoot: {newRoot: '$missing'}}]", "{_id: 1}"));
    }

    [Fact]
    public void Sort_is_stable_and_sortByCount_orders_by_count()
    {
        AssertDocs(
            "[{k: 1, i: 2}, {k: 1, i: 4}, {k: 2, i: 1}, {k: 2, i: 3}]",
            Run("[{$sort: {k: 1}}]", "{k: 2, i: 1}", "{k: 1, i: 2}", "{k: 2, i: 3}", "{k: 1, i: 4}"));
        AssertDocs(
            "[{k: 1, i: 2}, {k: 1, i: 4}, {k: 2, i: 1}]",
            Run("[{$sort: {k: 1}}, {$limit: 3}]", "{k: 2, i: 1}", "{k: 1, i: 2}", "{k: 2, i: 3}", "{k: 1, i: 4}", "{k: 3, i: 5}"));
        AssertDocs(
            "[{k: 3, i: 5}, {k: 2, i: 1}]",
            Run("[{$sort: {k: -1}}, {$limit: 2}]", "{k: 2, i: 1}", "{k: 1, i: 2}", "{k: 2, i: 3}", "{k: 1, i: 4}", "{k: 3, i: 5}"));
        AssertDocs(
            "[{_id: 'b', count: 2}, {_id: 'a', count: 1}]",
            Run("[{$sortByCount: '$t'}]", "{t: 'a'}", "{t: 'b'}", "{t: 'b'}"));
    }

    [Fact]
    public void Bucket_groups_by_boundaries()
    {
        AssertDocs(
            "[{_id: 0, count: 2}, {_id: 10, count: 1}, {_id: 'other', count: 1}]",
            Run("[{$bucket: {groupBy: '$v', boundaries: [0, 10, 20], default: 'other'}}]", "{v: 1}", "{v: 9}", "{v: 10}", "{v: 25}"));
        AssertDocs(
            "[{_id: 0, total: 10}]",
            Run("[{$bucket: {groupBy: '$v', boundaries: [0, 100], output: {total: {$sum: '$v'}}}}]", "{v: 1}", "{v: 9}"));
        Assert.Equal(40066, ErrorCode("[{$bucket: {groupBy: '$v', boundaries: [0, 10]}}]", "{v: 11}"));
    }

    [Fact]
    public void Sample_returns_a_subset_of_the_requested_size()
    {
        var input = Enumerable.Range(0, 50).Select(i => $"{{i: {i}}}").ToArray();
        var sample = Run("[{$sample: {size: 5}}]", input);
        Assert.Equal(5, sample.Count);
        Assert.Equal(5, sample.Select(d => d["i"].AsInt32).Distinct().Count());
        Assert.Equal(3, Run("[{$sample: {size: 10}}]", "{}", "{}", "{}").Count);
    }

    [Fact]
    public void UnionWith_appends_another_collection()
    {
        AssertDocs(
            "[{_id: 'mine'}, {_id: 's1'}, {_id: 's2'}]",
            Run("[{$unionWith: {coll: 'sections', pipeline: [{$limit: 2}, {$project: {name: 0}}]}}]", "{_id: 'mine'}"));
    }

    [Fact]
    public void Text_score_flows_into_meta_expressions()
    {
        var input = new[] { new MetaDoc(BsonDocument.Parse("{_id: 1}"), 2.5) };
        var result = Execute("[{$addFields: {score: {$meta: 'textScore'}}}, {$project: {s: {$meta: 'textScore'}}}]", input).Single();
        Assert.Equal("{ \"_id\" : 1, \"s\" : 2.5 }", result.Document.ToJson());
        Assert.Equal(2.5, result.TextScore);

        var excluded = Execute("[{$project: {a: 0, s: {$meta: 'textScore'}}}]", [new MetaDoc(BsonDocument.Parse("{_id: 1, a: 1, b: 2}"), 1.5)]).Single();
        Assert.Equal("{ \"_id\" : 1, \"b\" : 2, \"s\" : 1.5 }", excluded.Document.ToJson());
    }

    [Fact]
    public void Stage_errors_name_the_stage()
    {
        var unknown = Assert.Throws<MongoErrorException>(() => Run("[{$foo: {}}]"));
        Assert.Equal(40324, unknown.Code);
        Assert.Equal("Unrecognized pipeline stage name: '$foo'", unknown.Message);
        Assert.Contains("$out", Assert.Throws<MongoErrorException>(() => Run("[{$out: 'x'}]")).Message, StringComparison.Ordinal);
        Assert.Contains("$merge", Assert.Throws<MongoErrorException>(() => Run("[{$merge: 'x'}]")).Message, StringComparison.Ordinal);
        Assert.Contains("$changeStream", Assert.Throws<MongoErrorException>(() => Run("[{$changeStream: {}}]")).Message, StringComparison.Ordinal);
        Assert.Contains("$graphLookup", Assert.Throws<MongoErrorException>(() => Run("[{$graphLookup: {}}]")).Message, StringComparison.Ordinal);
        Assert.Equal(40323, ErrorCode("[{$match: {}, $limit: 1}]"));
        Assert.Equal(ErrorCodes.InvalidPipelineOperator, ErrorCode("[{$project: {x: {$nope: 1}}}]"));
    }

    [Fact]
    public void Pipeline_is_lazy_for_streaming_stages()
    {
        var pulled = 0;
        IEnumerable<MetaDoc> Source()
        {
            for (var i = 0; ; i++)
            {
                pulled++;
                yield return new MetaDoc(new BsonDocument("i", i));
            }
        }

        var result = Execute("[{$match: {i: {$gte: 0}}}, {$project: {i: 1}}, {$limit: 3}]", Source()).ToList();
        Assert.Equal(3, result.Count);
        Assert.Equal(3, pulled);
    }
}
