// Hocvuso learner app: enhancement only, ES2017, 7 KB budget
(()=>{
const d=document,w=window,N=navigator,H=d.documentElement,$=i=>d.getElementById(i),
at=(e,n)=>(e&&e.getAttribute('data-'+n))||'',
fmt=(s,o)=>s.replace(/\{(\w+)\}/g,(m,k)=>k in o?o[k]:m),
each=(l,f)=>Array.prototype.forEach.call(l||[],f),
on=(t,e,f)=>t.addEventListener(e,f),
noop=()=>{},off=()=>N.onLine===false,
setH=(k,v)=>{H.dataset[k]=v},
fail=()=>{throw Error('x')},SO='same-origin';
const sw='serviceWorker' in N;
if(sw)N.serviceWorker.register('/sw.js').catch(noop);
const meta=d.querySelector('meta[name=csrf-token]'),csrf=meta?meta.content:'';
const ra=$('read-aloud'),raS=$('read-aloud-status'),art=$('lesson-text'),ss=w.speechSynthesis;
if(ra&&art&&ss&&w.SpeechSynthesisUtterance){
const start=at(ra,'label-start')||ra.textContent,
pick=()=>ss.getVoices().filter(v=>/^vi/i.test(v.lang))[0];
let gen=0,talking=false,voice=pick();
ss.onvoiceschanged=()=>{voice=pick()||voice};
const stop=()=>{gen++;talking=false;ra.textContent=start};
on(w,'pagehide',()=>ss.cancel());
ra.hidden=false;
on(ra,'click',()=>{
if(talking){stop();ss.cancel();return}
voice=voice||pick();
if(raS)raS.textContent=voice?'':at(raS,'no-voice');
if(!voice)return;
const parts=((art.innerText||'').replace(/([^.!?…:\s])[ \t]*\n/g,'$1.\n').replace(/\s+/g,' ')
.match(/.{1,199}[.!?…](?= |$)|.{1,200}(?= |$)|.{1,200}/g)||[]).map(s=>s.trim()).filter(Boolean),my=++gen;
let i=0;
const next=()=>{
if(my!==gen)return;
if(i>=parts.length)return stop();
const u=new SpeechSynthesisUtterance(parts[i++]);
u.lang='vi-VN';u.voice=voice;u.onend=next;u.onerror=()=>{if(my===gen)stop()};
ss.speak(u);
};
if(ss.speaking||ss.pending)ss.cancel();
talking=true;ra.textContent=at(ra,'label-stop')||start;
next();
});
}
const quiz=$('quiz');let ls=null;
try{ls=w.localStorage}catch(e){}
if(quiz&&ls){
const key='hv-quiz-'+at(quiz,'attempt'),skip=/^(hidden|submit|button)$/,
box=e=>/^(radio|checkbox)$/.test(e.type),
save=()=>{const o={};
each(quiz.elements,e=>{if(!e.name||skip.test(e.type)||e.disabled)return;
const a=o[e.name]||(o[e.name]=[]);if(!box(e)||e.checked)a.push(e.value)});
try{ls.setItem(key,JSON.stringify(o))}catch(x){}};
try{const o=JSON.parse(ls.getItem(key)||'{}');
each(quiz.elements,e=>{const a=o[e.name];
if(!e.name||!Array.isArray(a)||skip.test(e.type))return;
if(box(e))e.checked=a.indexOf(e.value)>=0;
else if(a.length)e.value=a.shift()})}catch(x){}
on(quiz,'change',save);on(quiz,'input',save);
on(quiz,'submit',()=>{try{ls.removeItem(key)}catch(x){}});
}
const tl=$('time-left'),left=parseInt(at(tl,'seconds-left'));
if(left>=0){
const end=Date.now()+left*1e3,lbl=at(tl,'label'),p2=n=>(n<10?'0':'')+n;
let iv=0;
const tick=()=>{const s=Math.max(0,Math.ceil((end-Date.now())/1e3)),
v=s?lbl+': '+p2(Math.floor(s/60))+':'+p2(s%60):at(tl,'expired')||lbl+': 00:00';
if(tl.textContent!==v)tl.textContent=v;if(!s)clearInterval(iv)};
tick();iv=setInterval(tick,1e3);
}
let dbp;
const tx=(mode,fn)=>(dbp=dbp||new Promise((ok,ko)=>{
const r=w.indexedDB.open('hocvuso',1);
r.onupgradeneeded=()=>r.result.createObjectStore('outbox',{keyPath:'id'});
r.onsuccess=()=>ok(r.result);r.onerror=()=>ko(r.error)}))
.then(b=>new Promise((ok,ko)=>{const t=b.transaction('outbox',mode);fn(t.objectStore('outbox'));
t.oncomplete=()=>ok();t.onerror=t.onabort=()=>ko(t.error)})),
all=()=>{const a=[];return tx('readonly',s=>{s.openCursor().onsuccess=e=>{const c=e.target.result;if(c){a.push(c.value);c.continue()}}}).then(()=>a)},
uuid=()=>crypto.randomUUID?crypto.randomUUID():'10000000-1000-4000-8000-100000000000'.replace(/[018]/g,c=>(c^crypto.getRandomValues(new Uint8Array(1))[0]&15>>c/4).toString(16));
const ban=$('offline-banner');
let count=0,synced=0,rejected=0,last=0,until=0,timer=0,busy=false,stopped=false;
H.dataset.outbox=H.dataset.synced=0;
const show=()=>{if(!ban)return;
const m=[],a=n=>at(ban,n);
if(off())m.push(a('offline'));
if(count)m.push(fmt(a('waiting'),{n:count}));else if(Date.now()<until)m.push(fmt(a('sent'),{n:last}));
const v=m.join(' ');if(ban.textContent!==v)ban.textContent=v;ban.hidden=!v},
refresh=()=>all().then(a=>a.length,()=>0).then(n=>{count=n;setH('outbox',n);
clearTimeout(timer);if(n&&!stopped)timer=setTimeout(flush,3e4);
show()}),
post=(u,o)=>fetch(u,Object.assign({method:'POST',credentials:SO},o)).then(r=>{
if(r.status===401&&u==='/app/token')stopped=true
return r.ok?r.json():fail()}),
flush=()=>{if(busy||stopped||off())return Promise.resolve();
busy=true;
return all().then(items=>{if(!items.length)return;
const batch=items.slice(0,100);
return post('/app/token',{headers:{'X-CSRF-Token':csrf}}).then(j=>post('/api/v1/progress/sync',{
headers:{Authorization:'Bearer '+j.access_token,'Content-Type':'application/json'},
body:JSON.stringify({events:batch})
})).then(res=>{const gone=[];let sent=0;
each(res.results,x=>{const id=x.id||(batch[x.index]||{}).id,st=x.status;
if(!id||!/^(accepted|duplicate|rejected)$/.test(st))return;
if(st==='rejected')rejected++;else sent++;
gone.push(id)});
return tx('readwrite',s=>gone.forEach(id=>s.delete(id))).then(()=>{
if(rejected)setH('rejected',rejected);
if(!sent)return;
synced+=sent;last=sent;until=Date.now()+6e3;setH('synced',synced);setTimeout(show,6100)})})
}).catch(noop).then(()=>{busy=false;return refresh()})};
const cf=d.querySelector('form.complete-lesson');
if(cf){
let sending=false;
const plain=()=>{sending=false;HTMLFormElement.prototype.submit.call(cf)},
queue=()=>tx('readwrite',s=>s.put({id:(cf.elements.event&&cf.elements.event.value)||uuid(),lesson_id:at(cf,'lesson-id'),kind:'completed',at:new Date().toISOString()}))
.then(refresh).then(()=>setTimeout(()=>{location.href=at(cf,'next')},1500),plain);
on(w,'pageshow',()=>{sending=false});
on(cf,'submit',e=>{e.preventDefault();if(sending)return;sending=true;
if(off())return queue();
fetch(cf.action,{method:'POST',body:new URLSearchParams(new FormData(cf)),credentials:SO,redirect:'follow'})
.then(r=>{if(r.ok&&r.url&&r.url!==cf.action)location.href=r.url;else plain()},queue)});
}
on(w,'online',()=>{show();flush()});on(w,'offline',show);
refresh().then(flush);
const so=$('save-offline'),bar=$('save-offline-progress'),sos=$('save-offline-status');
if(so&&sw&&w.caches){
let saving=false;so.hidden=false;
on(so,'click',()=>{if(saving)return;
let pages,i=0,ok=true;
try{pages=JSON.parse(at(so,'urls'))}catch(e){}
if(!Array.isArray(pages))pages=[];
const list=pages.concat(['/static/app.css','/static/app.js']),total=pages.length,
say=a=>{if(sos)sos.textContent=fmt(at(so,a),{done:Math.min(i,total),total})},
step=()=>{if(bar)bar.value=i/list.length;if(i>=list.length)return;
say('saving');const u=list[i];
return fetch(u,{credentials:SO,headers:{'X-Hocvuso-Save':'offline'}}).then(r=>r.ok&&!r.redirected?caches.open('hocvuso-pages-v1').then(c=>c.put(u,r)):(ok=false))
.then(()=>{i++;return step()})};
saving=true;so.setAttribute('aria-disabled','true');
if(bar)bar.hidden=false;
step().then(()=>{if(!ok)fail();say('saved');setH('savedOffline',total)})
.catch(()=>say('failed')).then(()=>{saving=false;so.removeAttribute('aria-disabled')});
});
}
})();
// One question at a time, when the learner asks for it (remembered on this phone).
(function(){const f=document.getElementById('quiz'),b=document.getElementById('one-by-one');
if(!f||!b)return;const qs=f.querySelectorAll('fieldset.question'),nav=document.getElementById('quiz-steps'),
prev=document.getElementById('quiz-prev'),next=document.getElementById('quiz-next'),sub=document.getElementById('quiz-submit');
let i=0,on=false;try{on=localStorage.getItem('hv-one-by-one')==='1'}catch(e){}
const show=focus=>{qs.forEach((q,k)=>{q.hidden=on&&k!==i});nav.hidden=!on;prev.disabled=i===0;
next.hidden=i>=qs.length-1;sub.hidden=on&&i<qs.length-1;b.textContent=on?b.dataset.all:b.dataset.one;
b.setAttribute('aria-pressed',on?'true':'false');if(on&&focus){const l=qs[i].querySelector('legend');l.tabIndex=-1;l.focus()}};
b.hidden=false;b.addEventListener('click',()=>{on=!on;try{localStorage.setItem('hv-one-by-one',on?'1':'0')}catch(e){}show(true)});
prev.addEventListener('click',()=>{if(i>0){i--;show(true)}});next.addEventListener('click',()=>{if(i<qs.length-1){i++;show(true)}});
show(false)})();
