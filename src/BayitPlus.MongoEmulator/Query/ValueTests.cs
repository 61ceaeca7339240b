using System.Text.RegularExpressions;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>A predicate on one value a path reaches (null when missing), without array expansion:
/// the walk of <see cref="PathNode"/> supplies the elements.</summary>
internal abstract class ValueTest
{
    public abstract bool Test(BsonValue? value);

    /// <summary>For tests that look inside an array (<c>$elemMatch</c>): the index of the element
    /// that satisfied the test, else -1.</summary>
    public virtual int MatchedElement(BsonValue? value) => -1;
}

/// <summary>Equality; since MongoDB 8.0 a null matches null and missing values but no longer
/// <c>undefined</c>.</summary>
internal sealed class EqualTest(BsonValue target, BsonOrder order) : ValueTest
{
    public override bool Test(BsonValue? value) => order.Compare(value, target) == 0 && !IsUndefinedAgainstNull(value, target);

    /// <summary>Null and undefined share a canonical type, yet MongoDB 8.0's equality, <c>$in</c>,
    /// <c>$lte</c> and <c>$gte</c> to null no longer match undefined.</summary>
    public static bool IsUndefinedAgainstNull(BsonValue? value, BsonValue target) =>
        value?.BsonType == BsonType.Undefined && target.BsonType == BsonType.Null;
}

internal enum Comparison
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary><c>$lt $lte $gt $gte</c>: only values of the same canonical type compare (type
/// bracketing), except that MinKey and MaxKey bound everything; NaN only equals NaN.</summary>
internal sealed class CompareTest(Comparison comparison, BsonValue target, BsonOrder order) : ValueTest
{
    private readonly int targetRank = BsonOrder.TypeRank(target);
    private readonly bool targetIsNaN = IsNaN(target);

    public override bool Test(BsonValue? value)
    {
        if (BsonOrder.TypeRank(value) != targetRank)
        {
            return target.BsonType switch
            {
                BsonType.MinKey => comparison is Comparison.Greater or Comparison.GreaterOrEqual,
                BsonType.MaxKey => comparison is Comparison.Less or Comparison.LessOrEqual,
                _ => false,
            };
        }

        if (EqualTest.IsUndefinedAgainstNull(value, target))
        {
            return false;
        }

        if (targetIsNaN || IsNaN(value))
        {
            return targetIsNaN && IsNaN(value) && comparison is Comparison.LessOrEqual or Comparison.GreaterOrEqual;
        }

        var result = order.Compare(value, target);
        return comparison switch
        {
            Comparison.Less => result < 0,
            Comparison.LessOrEqual => result <= 0,
            Comparison.Greater => result > 0,
            _ => result >= 0,
        };
    }

    private static bool IsNaN(BsonValue? value) => value?.BsonType switch
    {
        BsonType.Double => double.IsNaN(value.AsDouble),
        BsonType.Decimal128 => Decimal128.IsNaN(value.AsDecimal128),
        _ => false,
    };
}

/// <summary><c>$in</c>: equality with any listed value (a hash lookup) or a match of any listed
/// regex; an undefined value equals none of them (a listed null no longer matches it in 8.0).</summary>
internal sealed class InTest : ValueTest
{
    private readonly HashSet<BsonValue?> values;
    private readonly RegexTest[] regexes;

    public InTest(IEnumerable<BsonValue> values, IEnumerable<RegexTest> regexes, BsonOrder order)
    {
        this.values = new HashSet<BsonValue?>(order);
        foreach (var value in values)
        {
            this.values.Add(value);
        }

        this.regexes = [.. regexes];
    }

    public override bool Test(BsonValue? value)
    {
        if (value?.BsonType != BsonType.Undefined && values.Contains(value ?? BsonNull.Value))
        {
            return true;
        }

        foreach (var regex in regexes)
        {
            if (regex.Test(value))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A regex matches strings and symbols, and equals an identical regex value.</summary>
internal sealed class RegexTest(BsonRegularExpression literal, Regex regex) : ValueTest
{
    public override bool Test(BsonValue? value) => value?.BsonType switch
    {
        BsonType.String => regex.IsMatch(value.AsString),
        BsonType.Symbol => regex.IsMatch(value.AsBsonSymbol.Name),
        BsonType.RegularExpression => value.AsBsonRegularExpression.Pattern == literal.Pattern
            && value.AsBsonRegularExpression.Options == literal.Options,
        _ => false,
    };
}

internal sealed class ExistsTest : ValueTest
{
    public static readonly ExistsTest Instance = new();

    public override bool Test(BsonValue? value) => value is not null;
}

internal sealed class NeverTest : ValueTest
{
    public static readonly NeverTest Instance = new();

    public override bool Test(BsonValue? value) => false;
}

internal sealed class SizeTest(int size) : ValueTest
{
    public override bool Test(BsonValue? value) => value is BsonArray array && array.Count == size;
}

internal sealed class TypeTest(IReadOnlySet<BsonType> types, bool anyNumber) : ValueTest
{
    public override bool Test(BsonValue? value) =>
        value is not null && (types.Contains(value.BsonType) || (anyNumber && BsonOrder.IsNumber(value)));
}

/// <summary><c>$mod</c>: numbers are truncated to integers; NaN and infinities never match.</summary>
internal sealed class ModTest(long divisor, long remainder) : ValueTest
{
    public override bool Test(BsonValue? value)
    {
        if (!BsonOrder.IsNumber(value))
        {
            return false;
        }

        var number = TruncateToLong(value!);
        return number is { } n && (divisor == -1 ? 0 : n % divisor) == remainder;
    }

    /// <summary>The integral part of a number, or null for NaN, infinities and out-of-range values.</summary>
    public static long? TruncateToLong(BsonValue number)
    {
        switch (number.BsonType)
        {
            case BsonType.Int32 or BsonType.Int64:
                return number.ToInt64();
            case BsonType.Decimal128:
                var d = number.AsDecimal128;
                if (Decimal128.IsNaN(d) || Decimal128.IsInfinity(d))
                {
                    return null;
                }

                try
                {
                    return (long)decimal.Truncate((decimal)d);
                }
                catch (OverflowException)
                {
                    return null;
                }

            default:
                var f = Math.Truncate(number.AsDouble);
                return double.IsFinite(f) && f >= long.MinValue && f < 9.2233720368547758E18 ? (long)f : null;
        }
    }
}

internal sealed class AllTest(ValueTest[] tests) : ValueTest
{
    public override bool Test(BsonValue? value)
    {
        foreach (var test in tests)
        {
            if (!test.Test(value))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class NotTest(ValueTest inner) : ValueTest
{
    public override bool Test(BsonValue? value) => !inner.Test(value);
}

/// <summary><c>{$elemMatch: {$gt: 1, $lt: 5}}</c>: one element satisfies every operator.</summary>
internal sealed class ElemMatchValueTest(ValueTest elementTest) : ValueTest
{
    public override bool Test(BsonValue? value) => MatchedElement(value) >= 0;

    public override int MatchedElement(BsonValue? value)
    {
        if (value is BsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (elementTest.Test(array[i]))
                {
                    return i;
                }
            }
        }

        return -1;
    }
}

/// <summary><c>{$elemMatch: {b: 1, c: {$gt: 2}}}</c>: one embedded document element matches the query.</summary>
internal sealed class ElemMatchDocumentTest(MatchNode query) : ValueTest
{
    public override bool Test(BsonValue? value) => MatchedElement(value) >= 0;

    public override int MatchedElement(BsonValue? value)
    {
        if (value is BsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is BsonDocument element && query.Matches(element, null))
                {
                    return i;
                }
            }
        }

        return -1;
    }
}

internal enum BitsKind
{
    AllSet,
    AnySet,
    AllClear,
    AnyClear,
}

/// <summary><c>$bitsAllSet</c> and friends on integral numbers (two's complement, sign-extended
/// past bit 63) and on binary data (little-endian bit order); other values never match.</summary>
internal sealed class BitsTest(BitsKind kind, int[] positions) : ValueTest
{
    public override bool Test(BsonValue? value)
    {
        Func<int, bool> isSet;
        switch (value)
        {
            case BsonInt32 or BsonInt64:
                var number = value.ToInt64();
                isSet = position => position < 64 ? ((number >> position) & 1) == 1 : number < 0;
                break;
            case BsonDouble { Value: var d } when d == Math.Truncate(d) && d >= long.MinValue && d < 9.2233720368547758E18:
                var integral = (long)d;
                isSet = position => position < 64 ? ((integral >> position) & 1) == 1 : integral < 0;
                break;
            case BsonBinaryData binary:
                var bytes = binary.Bytes;
                isSet = position => position / 8 < bytes.Length && ((bytes[position / 8] >> (position % 8)) & 1) == 1;
                break;
            default:
                return false;
        }

        return kind switch
        {
            BitsKind.AllSet => positions.All(isSet),
            BitsKind.AnySet => positions.Any(isSet),
            BitsKind.AllClear => !positions.Any(isSet),
            _ => !positions.All(isSet),
        };
    }
}
