import json, os, uuid
NS = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
W = 10000
QLKC="齐鲁科创银行济南分行"; QCNS="泉城农村商业银行科技支行"; HHKJ="黄河科技银行济南分行"; TSSY="泰山商业银行济南高新支行"
QCDB="泉城融资担保有限公司"; KCDB="济南科创融资担保有限公司"
JNKB="济南科技保险股份有限公司"; QLCX="齐鲁创新财产保险济南中心支公司"
QCTS="泉城天使投资基金（有限合伙）"; BTQ="趵突泉创业投资有限公司"; SDCX="山东创新发展证券济南分公司"
def q(*k): return {"rule":"qualification_held","any_of":list(k)}
clean={"rule":"clean_credit"}
def yrs(n): return {"rule":"min_years_founded","years":n}
def maxyrs(n): return {"rule":"max_years_founded","years":n}
def c1(n): return {"rule":"min_class1_ip","count":n}
def ipn(n): return {"rule":"min_total_ip","count":n}
def rev(mn=None,mx=None):
    r={"rule":"revenue_band"}
    if mn is not None: r["min"]=mn*W
    if mx is not None: r["max"]=mx*W
    return r
def ip_pct(p,s): return {"type":"interest_percent","percent":p,"source":s}
def ip_bp(b,s): return {"type":"interest_bp","bp":b,"source":s}
def rc(p,s): return {"type":"risk_compensation","percent":p,"source":s}
def gf(b,s): return {"type":"guarantee_fee_bp","bp":b,"source":s}
def pp(p,s): return {"type":"premium_percent","percent":p,"source":s}
# Where a Jinan firm applies, and whom it calls (fictional addresses and numbers).
BRANCH={
    QLKC:("齐鲁科创银行济南高新支行（高新区舜华路）","科技金融部客户经理 0531-8000 1001"),
    QCNS:("泉城农村商业银行科技支行营业部（历城区工业北路）","公司业务部客户经理 0531-8000 2002"),
    HHKJ:("黄河科技银行济南分行营业部（槐荫区经十路）","普惠金融部客户经理 0531-8000 3003"),
    TSSY:("泰山商业银行济南高新支行营业部（高新区新泺大街）","小微企业部客户经理 0531-8000 4004"),
    QCDB:("泉城融资担保有限公司业务二部（市中区二环南路）","项目经理 0531-8000 5005"),
    KCDB:("济南科创融资担保有限公司知识产权业务部（历下区龙奥北路）","项目经理 0531-8000 6006"),
    JNKB:("济南科技保险股份有限公司科技保险事业部（历下区经十路）","客户经理 0531-8000 7007"),
    QLCX:("齐鲁创新财产保险济南中心支公司（市中区）","企业险部 0531-8000 8008"),
    QCTS:("泉城天使投资管理有限公司（基金管理人，历下区）","投资经理 0531-8000 9009"),
    BTQ:("趵突泉创业投资有限公司投资部（历下区）","投资经理 0531-8001 0010"),
    SDCX:("山东创新发展证券济南分公司债券业务部（历下区）","债券业务部 0531-8001 1011"),
}
def bills(n): return {"rule":"bills_held","amount":n*W}
def uses(*u): return {"rule":"purpose_in","uses":list(u)}
P=[]
def add(code,inst,ik,name,kind,amin,amax,rmin,rmax,tmin,tmax,coll,days,rules,subs,desc):
    d={"id":str(uuid.uuid5(NS,code)),"code":code,"institution":inst,"institution_kind":ik,
       "branch":BRANCH[inst][0],"contact":BRANCH[inst][1],"name":name,"kind":kind,
       "amount_min":amin*W,"amount_max":amax*W}
    if rmin is not None: d["rate_min_bp"]=rmin; d["rate_max_bp"]=rmax
    d.update({"term_min_months":tmin,"term_max_months":tmax,"collateral":coll,"approval_days":days,"rules":rules,"subsidies":subs,"description":desc})
    P.append(d)
KZ="济南市科技成果转化贷款风险补偿资金"
add("QLKC-KJZH-01",QLKC,"bank","科创成果转化贷","tech_transfer_loan",100,1000,345,420,12,36,[],10,
    [q("tech_sme","high_tech"),c1(1),yrs(1),clean],[ip_pct(50,"济南市科技成果转化贷款贴息"),rc(40,KZ)],
    "面向以自有专利或受让科技成果实施产业化的科技企业，纯信用发放，按成果转化项目进度分笔提款。")
add("QLKC-ZSCQ-01",QLKC,"bank","知惠贷（知识产权质押）","ip_pledge_loan",50,3000,330,430,12,36,["ip_pledge"],15,
    [c1(1),clean],[ip_pct(50,"济南市知识产权质押融资贴息"),rc(50,"济南市知识产权质押融资风险补偿资金")],
    "以发明专利、商标专用权等知识产权质押，评估值按专业机构报告认定，质押率最高50%。")
add("QCNS-ZSCQ-02",QCNS,"bank","专利快贷","ip_pledge_loan",10,500,380,480,6,24,["ip_pledge"],7,
    [ipn(2),{"rule":"max_staff","count":300},clean],[ip_pct(50,"济南市知识产权质押融资贴息")],
    "面向小微科技企业的专利组合质押贷款，实用新型、软件著作权可与发明专利打包质押，线上评估、一周放款。")
add("KCDB-ZSCQ-03",KCDB,"guarantor","知保通（知识产权质押担保贷）","ip_pledge_loan",50,1000,420,560,12,36,["ip_pledge","third_party_guarantee"],20,
    [ipn(3),yrs(1),clean],[gf(100,"济南市融资担保费补贴"),rc(30,"济南市政府性融资担保风险分担")],
    "担保公司为知识产权质押贷款提供连带责任保证，价格含贷款利率与担保费（担保费率1%），可与合作银行联合审批。")
add("HHKJ-GQZY-01",HHKJ,"bank","股权融通贷","equity_pledge_loan",200,5000,400,520,12,36,["equity_pledge"],20,
    [yrs(2),rev(2000),clean],[],
    "以实际控制人或股东持有的企业股权质押，适合已完成股权融资、估值较清晰的成长期企业。")
add("QLKC-YSZK-01",QLKC,"bank","链e融（应收账款质押）","receivables_loan",50,2000,350,450,3,12,["receivables"],7,
    [{"rule":"min_receivables","amount":100*W},yrs(1),clean,uses("working_capital")],[],
    "以对核心企业、国有企业等优质买方的应收账款质押，经中征应收账款融资服务平台确权，额度最高为应收账款的80%。")
add("TSSY-YSZK-02",TSSY,"bank","供应链订单贷","receivables_loan",30,1000,380,480,3,12,["receivables"],5,
    [{"rule":"min_receivables","amount":50*W},clean,uses("working_capital")],[ip_bp(50,"济南市供应链金融贴息")],
    "基于核心企业订单和应收账款的供应链融资，随单提款、回款自动还款。")
add("QCNS-PJ-01",QCNS,"bank","票e贷（商业汇票质押）","bill_pledge",10,1000,180,260,1,12,["bills"],2,
    [bills(10),yrs(1),clean,uses("working_capital")],[],
    "以企业持有的银行承兑汇票或优质商业承兑汇票质押，支持小额票据池化，当日审批。")
add("QLKC-ZJTX-01",QLKC,"bank","专精特新贷","srdi_loan",100,3000,320,400,12,36,[],10,
    [q("srdi_provincial","srdi_little_giant"),clean],[ip_bp(100,"济南市专精特新企业贷款贴息")],
    "面向省级以上专精特新中小企业的信用贷款，审批绿色通道，可循环使用。")
add("TSSY-ZJTX-02",TSSY,"bank","小巨人信用贷","srdi_loan",500,5000,310,380,12,36,[],10,
    [q("srdi_little_giant"),rev(5000),clean,{"rule":"risk_grade_at_least","grade":"B"}],[ip_bp(100,"济南市专精特新企业贷款贴息")],
    "国家级专精特新“小巨人”企业专属信用额度，利率优惠，额度按上年营业收入的30%核定。")
add("HHKJ-DL-01",HHKJ,"bank","瞪羚成长贷","gazelle_loan",200,3000,340,420,12,36,[],10,
    [q("gazelle","unicorn"),clean],[ip_pct(30,"济南市瞪羚企业融资贴息")],
    "面向瞪羚、独角兽企业的信用贷款，可叠加投贷联动。")
add("QLKC-RC-01",QLKC,"bank","泉城人才贷","talent_loan",50,1000,330,400,12,36,[],7,
    [{"rule":"min_high_talents","count":1},clean],[ip_pct(50,"济南市人才贷款贴息"),rc(50,"济南市人才金融风险补偿资金")],
    "面向入选国家、省、市高层次人才计划的人才或其创办、领办的企业，凭人才认定纯信用发放。")
add("QCNS-RC-02",QCNS,"bank","人才创业贷","talent_loan",10,300,360,450,12,36,[],5,
    [{"rule":"min_high_talents","count":1},maxyrs(5),{"rule":"stage_in","stages":["seed","startup"]}],[ip_pct(50,"济南市人才贷款贴息")],
    "面向成立5年以内、由高层次人才创办的初创企业，首笔贷款利率优惠。")
add("TSSY-JG-01",TSSY,"bank","智造技改贷","tech_upgrade_loan",300,5000,360,460,12,60,["equipment"],20,
    [{"rule":"industry_in","sections":["C"]},yrs(3),rev(3000),clean,uses("equipment","plant","tech_upgrade")],[ip_bp(100,"济南市工业技术改造贷款贴息")],
    "支持制造业企业设备更新、智能化和绿色化改造，可用新购设备抵押，按技改项目投资进度放款。")
add("QCNS-ZC-01",QCNS,"bank","政采e贷","procurement_loan",10,1000,390,480,1,12,["procurement_contract"],3,
    [{"rule":"gov_procurement"},clean,uses("working_capital")],[],
    "凭中标的政府采购合同线上申请，无需抵押，采购资金回款后自动还款。")
add("QLKC-XY-01",QLKC,"bank","科创信用贷","credit_loan",10,500,380,480,12,36,[],7,
    [q("tech_sme","high_tech"),yrs(2),rev(500),clean],[rc(30,"济南市科技型中小企业信贷风险补偿资金")],
    "面向入库科技型中小企业和高新技术企业的纯信用贷款，随借随还。")
add("TSSY-SD-01",TSSY,"bank","首贷培植信用贷","credit_loan",10,300,350,420,12,24,[],7,
    [{"rule":"first_loan"},yrs(1),clean],[ip_pct(30,"济南市首贷贴息"),rc(40,"济南市首贷风险补偿资金")],
    "面向从未获得银行贷款、列入首贷培植名单的企业，辅导员推荐即受理，首贷利率优惠。")
add("HHKJ-XY-02",HHKJ,"bank","税e贷","credit_loan",10,300,420,550,12,24,[],2,
    [yrs(2),rev(300),clean],[],
    "依据纳税信用和开票数据线上测算额度，纳税信用等级B级及以上可申请，最快当天到账。")
add("QCNS-LX-01",QCNS,"bank","历城·历下科技贷","credit_loan",10,500,360,440,12,36,[],7,
    [{"rule":"district_in","districts":["370102","370112"]},q("tech_sme","high_tech"),clean],[rc(50,"区级科技信贷风险补偿资金")],
    "区级风险补偿资金支持的科技信贷产品，仅限注册地在历下区、历城区的科技企业。")
add("QCDB-CYDB-01",QCDB,"guarantor","创业担保贷款","startup_guaranteed_loan",10,300,300,365,12,36,["third_party_guarantee"],15,
    [maxyrs(5),{"rule":"max_staff","count":100},clean],[ip_pct(50,"创业担保贷款财政贴息")],
    "由政府性担保机构提供担保、财政贴息的创业贷款，小微企业最高300万元，免收担保费。")
add("QCDB-KJDB-02",QCDB,"guarantor","科创见贷即保","credit_loan",50,1000,400,520,12,36,["third_party_guarantee"],10,
    [q("tech_sme","high_tech","srdi_provincial"),yrs(1),clean],[gf(50,"济南市融资担保费补贴"),rc(20,"省市融资担保风险分担")],
    "合作银行审批通过即由担保公司批量担保，企业无需另行提供抵押，价格含担保费（1%/年）。")
add("JNKB-DKBZ-01",JNKB,"insurer","科技贷款保证保险","loan_guarantee_insurance",10,1000,100,200,12,36,[],10,
    [q("tech_sme","high_tech"),yrs(1),clean],[pp(50,"济南市科技保险保费补贴")],
    "企业投保后以保单增信向合作银行申请贷款，保险公司承担贷款损失的70%，价格为年保险费率。")
add("JNKB-ZSCQ-02",JNKB,"insurer","知识产权质押融资保证保险","ip_financing_insurance",50,1000,150,250,12,36,["ip_pledge"],15,
    [c1(1),clean],[pp(60,"济南市知识产权质押融资保险补贴")],
    "为知识产权质押贷款提供保证保险，降低银行对质押物评估值的折扣，保险费率按年计。")
add("QLCX-STT-01",QLCX,"insurer","首台（套）重大技术装备综合保险","first_set_insurance",100,10000,250,300,12,36,[],20,
    [{"rule":"industry_in","sections":["C"]},yrs(1),c1(1)],[pp(80,"首台（套）重大技术装备保险补偿")],
    "覆盖首台（套）、首批次、首版次产品的质量风险和责任风险，列入省级首台套目录的产品可获保费补贴80%。")
add("JNKB-ZLZX-01",JNKB,"insurer","专利执行保险","patent_enforcement_insurance",5,100,200,400,12,12,[],10,
    [c1(1)],[pp(50,"济南市知识产权保险补贴")],
    "承担企业专利维权过程中的调查费、诉讼费和律师费，为知识产权质押融资增信。")
add("QLKC-TDLD-01",QLKC,"bank","科创投贷通（投贷联动）","invest_loan_linkage",200,5000,320,400,12,36,[],20,
    [q("high_tech","srdi_provincial","srdi_little_giant","gazelle","unicorn"),c1(2),clean],[rc(30,"济南市科技金融风险补偿资金")],
    "银行贷款与合作创投机构外部直投联动，按股权融资额的一定比例配套信用贷款。")
add("QCTS-TS-01",QCTS,"fund","泉城天使基金","venture_equity",50,500,None,None,36,84,[],60,
    [{"rule":"stage_in","stages":["seed","startup"]},maxyrs(5),ipn(1)],[rc(30,"济南市天使投资风险补偿")],
    "投资种子期、初创期科技企业，单笔投资50–500万元，可对接政府引导基金跟投。")
add("BTQ-CT-01",BTQ,"fund","趵突泉成长基金","venture_equity",500,5000,None,None,48,84,[],90,
    [q("high_tech","srdi_provincial","srdi_little_giant","gazelle","unicorn"),rev(2000),{"rule":"min_rd_intensity","bp":300}],[],
    "投资成长期高新技术、专精特新企业，关注研发投入和上市潜力，可投后协助对接资本市场。")
add("QLKC-KCPJ-01",QLKC,"bank","科创票据（主承销）","tech_bond",5000,50000,250,350,12,36,[],60,
    [q("high_tech"),yrs(3),rev(20000),clean,{"rule":"risk_grade_at_least","grade":"A"}],[ip_pct(20,"济南市直接债务融资奖补")],
    "在银行间市场发行科技创新票据，银行担任主承销商，适合规模较大、信用良好的科技企业。")
add("SDCX-SCZ-01",SDCX,"other","双创公司债","tech_bond",3000,30000,300,450,36,60,[],90,
    [yrs(3),rev(10000),{"rule":"listing_intent"},q("high_tech","srdi_little_giant","gazelle"),{"rule":"risk_grade_at_least","grade":"B"}],[ip_pct(20,"济南市直接债务融资奖补")],
    "在交易所发行创新创业公司债，适合列入上市后备库、有资本市场规划的科技企业。")
cat={"version":1,"published":"2026-11-01","products":P}
json.dump(cat,open(os.path.join(os.path.dirname(os.path.abspath(__file__)),"products.json"),"w"),ensure_ascii=False,indent=2)
print(len(P))
