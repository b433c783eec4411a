// Written by scripts/embed-template.py from Templates/report.html.mustache; do not edit.

extension HTMLPage {
    /// Templates/report.html.mustache as shipped, for projects that have no template of their own.
    static let builtIn = #"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        /* Colours in custom properties so that dark mode and print only swap values. */
        :root{color-scheme:light dark;--text:#111;--muted:#333;--background:#fff;--link:#1a4d8f;--rule:#111;--code:#f4f4f4;--quote:#ccc}
        @media (prefers-color-scheme:dark){:root{--text:#e6e6e6;--muted:#bbb;--background:#16181c;--link:#8ab4f8;--rule:#bbb;--code:#23262b;--quote:#555}}
        html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
        body{max-width:46rem;margin:2rem auto;padding:0 1rem;font-family:"DejaVu Serif",Georgia,serif;line-height:1.5;color:var(--text);background:var(--background);overflow-wrap:break-word}
        h1,h2,h3,h4{font-family:"DejaVu Sans",Helvetica,sans-serif;line-height:1.25}
        h1{text-align:center;font-size:1.6rem}
        h2{font-size:1.25rem;margin-top:2rem}
        h3{font-size:1.05rem}
        h2 .number,h3 .number{margin-right:.4em}
        header p{text-align:center;margin:.25rem 0}
        a{color:var(--link);text-decoration:none}
        a:hover{text-decoration:underline}
        :target{scroll-margin-top:1rem}
        .abstract{margin:1.5rem 2rem;font-size:.95rem}
        .abstract h2{text-align:center;font-size:1rem;margin:0 0 .5rem}
        nav.toc{font-family:"DejaVu Sans",Helvetica,sans-serif;font-size:.85rem;margin:1.5rem 0;line-height:1.35}
        nav.toc h2{font-size:.95rem;margin:0 0 .4rem}
        nav.toc ol{list-style:none;margin:0;padding:0}
        nav.toc li{margin:.15rem 0}
        nav.toc li.level2{padding-left:1.2rem}
        nav.toc li.level3{padding-left:2.4rem}
        nav.toc a{display:block;padding-left:2.2em;text-indent:-2.2em}
        nav.toc .number{display:inline-block;min-width:2.2em;text-indent:0;color:var(--muted)}
        /* A sidebar beside the 46rem column once the screen has room for it. */
        @media (min-width:82rem){nav.toc{position:fixed;top:2rem;left:calc(50% - 23rem - 17rem);width:15rem;max-height:calc(100vh - 4rem);overflow-y:auto;margin:0}}
        figure{margin:1.5rem 0}
        /* Figures are drawn on white; they keep it in dark mode, framed by a little padding. */
        figure svg{display:block;max-width:100%;height:auto;margin:0 auto;background:#fff}
        @media (prefers-color-scheme:dark){figure svg{outline:.4rem solid #fff}}
        figcaption{font-size:.9rem;margin-top:.4rem}
        figure.table figcaption{margin:0 0 .4rem}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;font-size:.85rem;margin:0 auto;border-top:2px solid var(--rule);border-bottom:2px solid var(--rule)}
        thead th{border-bottom:1px solid var(--rule);font-weight:600}
        th,td{padding:.2rem .6rem;text-align:left;white-space:nowrap}
        th.right,td.right{text-align:right;font-variant-numeric:tabular-nums}
        th.center,td.center,th.decimal{text-align:center}
        /* Decimal columns: the integer part in a right-aligned box of the column's widest, then the rest. */
        td.decimal{text-align:left;font-variant-numeric:tabular-nums}
        td.decimal .int{display:inline-block;text-align:right}
        .notes{font-size:.8rem;color:var(--muted);margin:.3rem 0 0}
        .value{font-variant-numeric:tabular-nums}
        .math{font-style:normal;white-space:nowrap}
        math{font-family:"DejaVu Serif","STIX Two Math","Latin Modern Math",serif}
        .equation{display:flex;align-items:center;justify-content:center;position:relative;margin:1rem 0;padding:0 3rem;overflow-x:auto}
        .equation .eqno{position:absolute;right:0}
        .frac{display:inline-flex;flex-direction:column;vertical-align:middle;text-align:center;font-size:.9em;margin:0 .1em}
        .frac .num{border-bottom:1px solid currentColor;padding:0 .15em}
        .frac .den{padding:0 .15em}
        pre{background:var(--code);padding:.6rem;overflow-x:auto;font-size:.85rem}
        blockquote{border-left:3px solid var(--quote);margin:1rem 0;padding-left:1rem;color:var(--muted)}
        ol.references{font-size:.9rem;padding-left:1.5rem}
        ol.references li{margin-bottom:.4rem}
        @media (max-width:32rem){body{margin:1rem auto}.abstract{margin:1rem 0}.equation{padding:0 2rem 0 0;justify-content:flex-start;font-size:.9rem}}
        /* Print: black on white, no sidebar, figures and tables kept whole, link targets of external links shown. */
        @media print{
        :root{--text:#000;--muted:#222;--background:#fff;--link:#000;--rule:#000;--code:#f4f4f4;--quote:#999}
        body{max-width:none;margin:0;font-size:10.5pt}
        nav.toc{position:static;width:auto;max-height:none;break-after:page}
        figure,table,.equation{break-inside:avoid}
        h2,h3{break-after:avoid}
        .scroll,.equation{overflow:visible}
        figure svg{outline:none}
        a[href^="http"]::after{content:" <" attr(href) ">";font-size:.8em;word-break:break-all}
        }
        </style>
        </head><body>
        <header><h1>{{title}}</h1><p>{{authors}}</p><p><em>{{date}}</em></p></header>
        <main>
        {{{body}}}
        </main></body></html>

        """#
}
