/** Scoped to the shadow root: nothing leaks into the page, nothing from the page leaks in. */
export const CSS = `:host{all:initial}
.o{position:fixed;inset:0;z-index:2147483647;background:rgba(15,23,42,.55);display:flex;align-items:center;justify-content:center;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a}
.o.h{position:static;background:none;min-height:100vh;align-items:flex-start}
.d{background:#fff;width:min(26rem,100vw);max-height:100vh;overflow:auto;border-radius:14px;box-shadow:0 20px 50px rgba(0,0,0,.3);padding:1.25rem;box-sizing:border-box}
.h .d{margin-top:3rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}
header{display:flex;align-items:center;gap:.5rem;margin-bottom:1rem}
h1,h2{font-size:1.05rem;margin:0;flex:1}
.amt{font-weight:700;font-size:1.5rem;margin:.25rem 0 1rem}
.tm{background:#f59e0b;color:#000;font-size:.7rem;font-weight:700;padding:.15rem .45rem;border-radius:4px;letter-spacing:.04em}
button,a.b{font:inherit;cursor:pointer;border-radius:10px;border:1px solid #7b8698;background:#fff;color:#0f172a;padding:.7rem .9rem;text-align:left;text-decoration:none;display:flex;align-items:center;gap:.6rem;width:100%;box-sizing:border-box;margin:.35rem 0}
button:hover,a.b:hover{border-color:#2563eb}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
button.p{background:#2563eb;border-color:#2563eb;color:#fff;justify-content:center;font-weight:600}
button.p[aria-disabled]{opacity:.6;cursor:progress}
button.x{width:auto;margin:0;padding:.3rem .55rem;border:0;font-size:1.3rem;line-height:1}
button.l{border:0;padding:.3rem 0;width:auto;color:#2563eb}
img{width:32px;height:32px;border-radius:6px}
label{display:block;font-weight:600;margin:.5rem 0 .3rem}
.ph{display:flex;align-items:center;border:1px solid #7b8698;border-radius:10px;padding:0 .7rem}
.ph span{color:#475569}
input{font:inherit;border:0;padding:.7rem .5rem;flex:1;min-width:0;background:none;color:inherit}
.ph:focus-within{border-color:#2563eb}
.e{color:#b91c1c;font-size:.9rem;min-height:1.2em;margin:.3rem 0}
.n{min-height:0}
.m{color:#475569;font-size:.92rem}
.big{font-size:2.2rem;text-align:center;margin:.5rem 0}
.sp{width:34px;height:34px;margin:1rem auto;border:4px solid #cbd5e1;border-top-color:#2563eb;border-radius:50%;animation:r 1s linear infinite}
@keyframes r{to{transform:rotate(1turn)}}
@media (prefers-reduced-motion:reduce){.sp{animation:none}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}`;
