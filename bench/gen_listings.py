#!/usr/bin/env python3
"""gen_listings.py - synthetic listings with contact identifiers, for
bench/cluster.sh (the clustering engine at the scale BPOM patrols reach).

usage: gen_listings.py OUT_DIR [--listings N] [--add K] [--seed S]

Writes, in OUT_DIR:
  listings.tsv   one listing per line, oldest first:
                 url <TAB> context <TAB> kind:value <TAB> kind:value ...
  add.tsv        K newer listings in the same form (the incremental add)
  truth.tsv      url <TAB> true actor, for every listing of both files

The web it imitates (each rule is a fact of the domain, not a tuning):
  - actors run 1..6 shops (context = platform|seller account) on 8
    platforms; most actors are small, a few are large (Zipf-like sizes);
  - an actor owns 1-3 phones, 0-2 bank accounts, 0-2 handles and sometimes
    an e-mail; each listing shows a few of them;
  - distractors that must not merge actors: each platform's customer-service
    number and address on a slice of its pages, 30 couriers' numbers on
    listings of many sellers, and buyers' one-off numbers.
Identifiers are counted as listing-identifier edges (about 3 per listing:
with N = 1,000,000 the file holds about 3,000,000).
"""
import os
import random
import sys


def main(argv):
    args = argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    out = args[0]
    opts = {"--listings": 1_000_000, "--add": 1000, "--seed": 7}
    i = 1
    while i < len(args):
        if args[i] not in opts or i + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        opts[args[i]] = int(args[i + 1])
        i += 2
    n, add, seed = opts["--listings"], opts["--add"], opts["--seed"]
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    platforms = ["belanja", "tokomurah", "pasarku", "kabarin", "iklanku",
                 "jualbeli", "webshop", "sosmed"]
    cs = {p: ["phone:+6221%08d" % rnd.randrange(10**8) for _ in range(3)] +
          ["email:cs@%s.co.id" % p] for p in platforms}
    couriers = ["phone:+62819%08d" % rnd.randrange(10**8) for _ in range(30)]
    actors = []
    serial = [0]

    def new_actor():
        a = len(actors)
        ids = ["phone:+628%02d%08d" % (rnd.randrange(11, 99), a * 7 + k)
               for k in range(rnd.randint(1, 3))]
        ids += ["bank:BCA:%010d" % (a * 3 + k) for k in range(rnd.choice((0, 1, 1, 2)))]
        ids += ["handle:ig:actor%d_%d" % (a, k) for k in range(rnd.choice((0, 0, 1, 2)))]
        if rnd.random() < 0.2:
            ids.append("email:actor%d@gmail.com" % a)
        shops = ["%s|seller-%d-%d" % (rnd.choice(platforms), a, k)
                 for k in range(min(6, int(rnd.paretovariate(1.6)) + rnd.randint(0, 1)))]
        actors.append((ids, shops))
        return a

    def listing(f, truth):
        # heavy tail: a new actor one time in three, else an earlier one
        # picked with a bias for the big ones
        if not actors or rnd.random() < 0.33:
            a = new_actor()
        else:
            a = int(len(actors) * (rnd.random() ** 2.5))
        ids, shops = actors[a]
        shop = rnd.choice(shops)
        plat = shop.split("|", 1)[0]
        serial[0] += 1
        url = "https://%s.example/p/%d" % (plat, serial[0])
        k = min(len(ids), rnd.choice((2, 3, 3, 4)))
        shown = rnd.sample(ids, k)
        r = rnd.random()
        if r < 0.15:
            shown.append(rnd.choice(cs[plat]))
        elif r < 0.18:
            shown.append(rnd.choice(couriers))
        elif r < 0.26:
            shown.append("phone:+6285%010d" % rnd.randrange(10**10))  # a buyer (12 digits: never an actor's)
        f.write("%s\t%s\t%s\n" % (url, shop, "\t".join(shown)))
        truth.write("%s\tT%d\n" % (url, a))
        return len(shown)

    with open(os.path.join(out, "listings.tsv"), "w") as f, \
            open(os.path.join(out, "truth.tsv"), "w") as truth:
        edges = 0
        for _ in range(n):
            edges += listing(f, truth)
        with open(os.path.join(out, "add.tsv"), "w") as g:
            for _ in range(add):
                listing(g, truth)
    print("%d listings, %d edges, %d actors, %d added" % (n, edges, len(actors), add))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
