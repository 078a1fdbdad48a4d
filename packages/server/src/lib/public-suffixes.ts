/**
 * Suffixes under which anyone can register a name, so an origin naming only the suffix
 * (`https://co.uk`) names nobody in particular. Every single label (`com`, `ci`) is one; below
 * are the common multi-label ones (ICANN second levels, with Africa's covered first) and the
 * hosting platforms where every customer gets a sub-domain. Embedded rather than fetched: the
 * full Public Suffix List is a download at runtime, and what this guards (who may frame the
 * hosted page) only needs the common cases refused. A host missing from the list is still
 * refused if it is a single label.
 */
const MULTI_LABEL = new Set(
  [
    // Africa
    "com.ng org.ng gov.ng edu.ng net.ng name.ng sch.ng mil.ng",
    "co.ke or.ke ac.ke go.ke ne.ke sc.ke me.ke info.ke mobi.ke",
    "co.za org.za gov.za ac.za net.za web.za nom.za",
    "com.gh org.gh gov.gh edu.gh",
    "co.tz or.tz go.tz ac.tz ne.tz",
    "co.ug or.ug go.ug ac.ug ne.ug",
    "co.rw org.rw gov.rw ac.rw",
    "com.eg org.eg gov.eg edu.eg",
    "co.ma gov.ma ac.ma net.ma org.ma press.ma",
    "com.tn org.tn gov.tn",
    "com.dz org.dz gov.dz",
    "co.ci or.ci go.ci ac.ci ed.ci com.ci org.ci gouv.ci",
    "com.sn org.sn gouv.sn edu.sn",
    "com.cm co.cm gov.cm net.cm",
    "com.bj gouv.bj",
    "gov.bf",
    "com.ml gouv.ml",
    "co.zm org.zm gov.zm ac.zm",
    "co.zw org.zw gov.zw ac.zw",
    "co.mz org.mz gov.mz",
    "com.et gov.et edu.et",
    // Elsewhere
    "co.uk org.uk me.uk ltd.uk plc.uk net.uk ac.uk gov.uk sch.uk nhs.uk",
    "com.au net.au org.au edu.au gov.au",
    "co.nz org.nz net.nz govt.nz ac.nz",
    "co.jp ne.jp or.jp ac.jp go.jp",
    "co.in net.in org.in gov.in ac.in firm.in",
    "com.cn net.cn org.cn gov.cn edu.cn",
    "com.br net.br org.br gov.br",
    "com.mx org.mx gob.mx",
    "com.ar gob.ar",
    "com.tr org.tr gov.tr",
    "co.il org.il ac.il gov.il",
    "com.sg gov.sg edu.sg",
    "com.hk org.hk gov.hk",
    "co.kr or.kr go.kr",
    "com.tw org.tw gov.tw",
    "gouv.fr asso.fr",
    "com.es org.es",
    // Platforms giving every customer a sub-domain
    "github.io gitlab.io pages.dev workers.dev vercel.app netlify.app web.app firebaseapp.com",
    "herokuapp.com appspot.com azurewebsites.net cloudfront.net blogspot.com glitch.me onrender.com fly.dev",
  ]
    .join(" ")
    .split(/\s+/),
);

/**
 * Whether `host` (a URL's lower-case hostname) is only a public suffix: nobody's site.
 * @example isPublicSuffix("co.uk") // true
 * @example isPublicSuffix("shop.co.uk") // false
 */
export function isPublicSuffix(host: string): boolean {
  const name = host.replace(/\.$/, "");
  return !name.includes(".") || MULTI_LABEL.has(name);
}
