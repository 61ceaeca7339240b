using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Bson;

public sealed class BsonOrderTests
{
    [Fact]
    public void Query_order_ranks_missing_and_undefined_as_null()
    {
        var order = BsonOrder.Instance;

        Assert.Equal(0, order.Compare(null, BsonNull.Value));
        Assert.Equal(0, order.Compare(BsonUndefined.Value, BsonNull.Value));
        Assert.Equal(order.GetHashCode(null), order.GetHashCode(BsonNull.Value));
    }

    [Fact]
    public void Expression_order_ranks_missing_with_undefined_between_min_key_and_null()
    {
        var order = BsonOrder.Instance.ForExpressions;

        Assert.True(order.Compare(null, BsonNull.Value) < 0);
        Assert.True(order.Compare(BsonUndefined.Value, BsonNull.Value) < 0);
        Assert.True(order.Compare(BsonMinKey.Value, null) < 0);
        Assert.True(order.Compare(null, BsonMinKey.Value) > 0);
        Assert.Equal(0, order.Compare(null, BsonUndefined.Value));
        Assert.Equal(order.GetHashCode(null), order.GetHashCode(BsonUndefined.Value));
        Assert.True(order.Compare(new BsonDocument("a", BsonUndefined.Value), new BsonDocument("a", BsonNull.Value)) < 0);
        Assert.True(order.Compare(new BsonArray { BsonUndefined.Value }, new BsonArray { BsonNull.Value }) < 0);
        Assert.Same(order, order.ForExpressions);
    }

    [Fact]
    public void Expression_order_keeps_the_collation()
    {
        var order = BsonOrder.For(Collation.Parse(new BsonDocument { { "locale", "en" }, { "strength", 2 } })).ForExpressions;

        Assert.Equal(0, order.Compare(new BsonString("a"), new BsonString("A")));
        Assert.True(order.Compare(null, BsonNull.Value) < 0);
    }
}
