import { describe, it, expect } from 'vitest';
import { TemplateError } from '../../../src/vtl/index.js';
import { printValue } from '../../../src/vtl/java-compat.js';
import { render } from './helpers.js';

const s = (template: string): string => render(`#set($s = "Hello, World")${template}`);

describe('Java String methods', () => {
  it('length, isEmpty, charAt, substring, concat, trim, case', () => {
    expect(s('$s.length()')).toBe('12');
    expect(s('$s.isEmpty() ${s.substring(7)} $s.substring(0, 5) $s.charAt(4)')).toBe('false World Hello o');
    expect(s('$s.concat("!") $s.toUpperCase() $s.toLowerCase()')).toBe('Hello, World! HELLO, WORLD hello, world');
    expect(render('#set($t = "  pad \t")[$t.trim()]')).toBe('[pad]');
  });

  it('searching: contains, indexOf, lastIndexOf, startsWith, endsWith, matches', () => {
    expect(s('$s.contains("World") $s.contains("world")')).toBe('true false');
    expect(s('$s.indexOf("o") $s.indexOf("o", 5) $s.lastIndexOf("o") $s.indexOf("z")')).toBe('4 8 8 -1');
    expect(s('$s.startsWith("Hell") $s.endsWith("World") $s.startsWith("World", 7)')).toBe('true true true');
    expect(s('$s.matches("Hello.*") $s.matches("Hello") $s.matches("(?i)hello, world")')).toBe('true false true');
  });

  it('equals and equalsIgnoreCase', () => {
    expect(s('$s.equals("Hello, World") $s.equals("hello, world") $s.equalsIgnoreCase("HELLO, world")')).toBe('true false true');
    expect(render('#if($input.path(\'$.name\').equals("petstore"))same#end')).toBe('same');
  });

  it('replace is literal; replaceAll/replaceFirst take a Java regex and $n groups', () => {
    expect(s('$s.replace("o", "0")')).toBe('Hell0, W0rld');
    expect(render('#set($p = "a.b.c")$p.replace(".", "$")')).toBe('a$b$c');
    expect(s('$s.replaceAll("[aeiou]", "*")')).toBe('H*ll*, W*rld');
    expect(s('$s.replaceAll("(\\w+), (\\w+)", "$2 $1")')).toBe('World Hello');
    expect(s('$s.replaceFirst("l+", "L")')).toBe('HeLo, World');
    expect(s("$s.replaceAll('o', '\\$')")).toBe('Hell$, W$rld');
    expect(() => s("$s.replaceAll('o', '$')")).toThrow(/illegal group reference/);
    // The AWS doc idiom: undo escapeJavaScript's \' for JSON.
    expect(render(`#set($q = "it's")$util.escapeJavaScript($q).replaceAll("\\\\'", "'")`)).toBe("it's");
  });

  it('split follows Java: regex separator, trailing empty strings dropped', () => {
    expect(render('#set($csv = "a,b,,c,,")$csv.split(",")')).toBe('["a","b","","c"]');
    expect(render('#set($csv = "a1b22c")$csv.split("\\d+").size()')).toBe('3');
    expect(render('#set($csv = "a,b,c")$csv.split(",", 2)')).toBe('["a","b,c"]');
    expect(render('#set($csv = "abc")$csv.split("")')).toBe('["a","b","c"]');
    expect(render('#set($xy = "x y")#foreach($part in $xy.split(" "))<$part>#end')).toBe('<x><y>');
  });

  it('hashCode and toString', () => {
    expect(render('#set($h = "hello")$h.hashCode() $h.toString()')).toBe('99162322 hello');
  });

  it('an index out of range is a Java exception: a TemplateError with the line', () => {
    expect(() => render('ok\n$input.path(\'$.name\').substring(99)')).toThrow(TemplateError);
    expect(() => render('ok\n$input.path(\'$.name\').substring(99)')).toThrow(/line 2: .*out of range/);
  });
});

describe('Java List methods', () => {
  it('size, get, isEmpty, contains, indexOf', () => {
    const l = "#set($l = $input.path('$.owner.tags'))";
    expect(render(`${l}$l.size() $l.get(1) $l.isEmpty() $l.contains("x") $l.contains("z") $l.indexOf("y")`)).toBe('2 y false true false 1');
    expect(render("$input.path('$.pets').contains({'id': 2, 'type': 'cat', 'price': 124.99})")).toBe('true');
  });

  it('add prints true (Java), so #set($_ = ...) is the idiom; remove by index or value', () => {
    expect(render('#set($l = [])$l.add("a") #set($_ = $l.add("b"))$l')).toBe('true ["a","b"]');
    expect(render('#set($l = ["a", "b", "c"])$l.remove(0) $l.remove("c") $l')).toBe('a true ["b"]');
    expect(render('#set($l = ["a", "c"])#set($_ = $l.add(1, "b"))$l')).toBe('["a","b","c"]');
  });

  it('a list prints as JSON', () => {
    expect(render('#set($l = ["a", "b"])$l')).toBe('["a","b"]');
    expect(render("$input.path('$.pets[*].id')")).toBe('[1,2,3]');
  });
});

describe('Java Map methods', () => {
  const m = "#set($m = $input.path('$.owner'))";

  it('size, get, containsKey, keySet, values, isEmpty', () => {
    expect(render(`${m}$m.size() $m.get("first") $m.containsKey("tags") $m.containsKey("toString") $m.keySet() $m.isEmpty()`)).toBe(
      '2 Ann true false ["first","tags"] false',
    );
    expect(render(`${m}$m.values()`)).toBe('["Ann",["x","y"]]');
    expect(render(`${m}[$m.get("toString")][$m.get("__proto__")]`)).toBe('[][]');
  });

  it('put returns the previous value, remove the removed one; putAll merges', () => {
    expect(render(`${m}[$m.put("first", "Bo")][$m.put("last", "Lee")] $m.first $m.last`)).toBe('[Ann][] Bo Lee');
    expect(render(`${m}$m.remove("first") $m.size()`)).toBe('Ann 1');
    expect(render('#set($a = {"x": 1})#set($_ = $a.putAll({"y": 2}))$a')).toBe('{x=1, y=2}');
    expect(render('#set($a = {})#set($_ = $a.put("__proto__", "v"))$a.get("__proto__") $a.size()')).toBe('v 1');
  });

  it('entrySet entries have key/value and getKey()/getValue()', () => {
    expect(render(`${m}#foreach($e in $m.entrySet())$e.key:$e.getValue() #end`)).toBe('first:Ann tags:["x","y"] ');
    expect(render(`${m}#foreach($e in $m.entrySet())$e.getKey()=$e.value;#end`)).toBe('first=Ann;tags=["x","y"];');
  });

  it('a map prints Java-style, nested maps too, null values as null', () => {
    expect(render('#set($a = {"k": "v", "n": 1, "inner": {"z": true}, "list": [1, "two"]})$a')).toBe('{k=v, n=1, inner={z=true}, list=[1,"two"]}');
    expect(render("$input.path('$')", { body: '{"a":null}' })).toBe('{a=null}');
  });
});

describe('numbers, booleans, missing values', () => {
  it('intValue and toString on numbers', () => {
    expect(render("$input.path('$.pets[0].price').intValue() $input.path('$.pets[0].id').toString()")).toBe('249 1');
  });

  it('booleans print true/false; JSON 1.0 prints 1 (documented difference)', () => {
    expect(render("$input.path('$.t') $input.path('$.f') $input.path('$.d')", { body: '{"t":true,"f":false,"d":1.0}' })).toBe('true false 1');
  });

  it('null and undefined print as nothing, for $x and $!x alike', () => {
    expect(render('[$nothing][$!nothing][$input.path(\'$.nope\')][${nothing}]')).toBe('[][][][]');
    expect(render("[$input.path('$.n')]", { body: '{"n":null}' })).toBe('[]');
  });

  it('a method Java does not have prints nothing', () => {
    expect(render('#set($x = "abc")[$x.size()][$x.push("d")][$x.nope()]')).toBe('[][][]');
  });

  it('printValue renders each kind as AWS does', () => {
    expect(printValue('raw "text"')).toBe('raw "text"');
    expect(printValue([1, 'a', { b: null }])).toBe('[1,"a",{"b":null}]');
    expect(printValue({ a: 1, b: [{ c: 5 }], m: { x: 'y' } })).toBe('{a=1, b=[{"c":5}], m={x=y}}');
    expect(printValue(null)).toBe('');
    expect(printValue(false)).toBe('false');
  });
});

describe('#foreach loop variables', () => {
  it('$foreach.hasNext, count, index, $velocityCount', () => {
    expect(render('#foreach($p in $input.path(\'$.pets\'))$foreach.index/$foreach.count/$velocityCount$foreach.hasNext #end')).toBe(
      '0/1/1true 1/2/2true 2/3/3false ',
    );
  });

  it('iterates the values of a map', () => {
    expect(render('#set($m = {"a": 1, "b": 2})#foreach($v in $m)$v#end')).toBe('12');
  });

  it('nested loops keep their own variables; #break leaves the inner loop only', () => {
    expect(render('#foreach($a in [1, 2])#foreach($b in ["x", "y"])$a$b#if($b == "x")#break#end#end;#end')).toBe('1x;2x;');
    expect(render('#foreach($b in [1, 2])a#break b#end')).toBe('a');
    expect(render('#foreach($a in [1, 2])#foreach($b in ["x"])$a$b$foreach.count#end$foreach.count;#end')).toBe('1x11;2x12;');
  });
});
