using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests;

public sealed class BsonOrderTests
{
    [Fact]
    public void Numbers_compare_across_types()
    {
        Assert.Equal(0, BsonOrder.CompareValues(new BsonInt32(1), new BsonDouble(1.0)));
        Assert.True(BsonOrder.CompareValues(new BsonInt64(2), new BsonDouble(1.5)) > 0);
        Assert.True(BsonOrder.CompareValues(BsonNull.Value, new BsonInt32(0)) < 0);
        Assert.True(BsonOrder.CompareValues(new BsonString("a"), new BsonInt32(5)) > 0);
    }
}
